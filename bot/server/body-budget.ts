import type { IncomingMessage } from 'node:http';

/** The body is larger than the endpoint accepts (answered 413). */
export class BodyTooLargeError extends Error {}

/** Reading the body would take more unverified bytes than the server holds at once (answered 503). */
export class BudgetExhaustedError extends Error {}

/**
 * Bytes of request bodies held in memory before their signature is checked, shared by every
 * request of one server. Each request takes the bytes it has received, as they arrive, and gives
 * them back when it is answered, so memory for unverified bodies stays below `limitBytes`
 * however many arrive at once. A `Content-Length` is never taken on trust: a client that declares
 * a large body and sends nothing must not hold the budget other deliveries need.
 */
export class BodyBudget {
  private used = 0;
  private highWater = 0;

  constructor(readonly limitBytes: number) {}

  /** Takes `bytes` if they fit; false (and nothing taken) otherwise. */
  take(bytes: number): boolean {
    if (this.used + bytes > this.limitBytes) return false;
    this.used += bytes;
    this.highWater = Math.max(this.highWater, this.used);
    return true;
  }

  give(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
  }

  /** Bytes held now. */
  get inUse(): number {
    return this.used;
  }

  /** The most bytes ever held at once. */
  get peak(): number {
    return this.highWater;
  }
}

export interface ReadBodyOptions {
  /** Most bytes one body may have. */
  maxBytes: number;
  budget: BodyBudget;
}

export interface HeldBody {
  /** The body as received. */
  bytes: Buffer;
  /** Gives the body's bytes back to the budget; call once the body is no longer needed. */
  release(): void;
}

/**
 * Reads a request body within a per-body limit and the shared budget. A `Content-Length` over
 * the limit, or over what the budget has left now, is refused before a byte is read; every
 * body, declared or chunked, takes from the budget only the bytes that have arrived. Rejects
 * with `BodyTooLargeError` or `BudgetExhaustedError` (and stops reading); a connection that
 * breaks mid-body rejects with its error. Whatever was taken is given back on every failure.
 */
export function readBudgetedBody(
  req: IncomingMessage,
  options: ReadBodyOptions,
): Promise<HeldBody> {
  const { maxBytes, budget } = options;
  const declared = declaredLength(req);
  if (declared !== null && declared > maxBytes)
    return Promise.reject(
      new BodyTooLargeError(`body of ${declared} bytes is larger than ${maxBytes} bytes`),
    );
  if (declared !== null && declared > budget.limitBytes - budget.inUse)
    return Promise.reject(
      new BudgetExhaustedError('too many request bodies are being read at once'),
    );
  // Listeners rather than `for await`: the async iterator costs a few promises per chunk on
  // the intake's hot path, and this reads every delivery.
  return new Promise<HeldBody>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let held = 0;
    const stop = (err: unknown) => {
      req.off('data', onData).off('end', onEnd).off('error', stop).off('close', onClose);
      budget.give(held);
      held = 0;
      req.pause();
      reject(err);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) return stop(new BodyTooLargeError(`body larger than ${maxBytes} bytes`));
      if (!budget.take(size - held))
        return stop(new BudgetExhaustedError('too many request bodies are being read at once'));
      held = size;
      chunks.push(chunk);
    };
    const onEnd = () => {
      req.off('data', onData).off('error', stop).off('close', onClose);
      let released = false;
      const taken = held;
      resolve({
        bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size),
        release: () => {
          if (released) return;
          released = true;
          budget.give(taken);
        },
      });
    };
    // Closed before its end: the client went away mid-body.
    const onClose = () => {
      if (!req.complete) stop(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
    };
    req.on('data', onData).once('end', onEnd).once('error', stop).once('close', onClose);
  });
}

/** `Content-Length` as a number; null when absent (Node's parser has already refused a malformed one). */
function declaredLength(req: IncomingMessage): number | null {
  const raw = req.headers['content-length'];
  if (raw === undefined) return null;
  const value = Number(raw);
  return Number.isSafeInteger(value) && value >= 0 ? value : null;
}
