import type { IncomingMessage } from 'node:http';

/** The body is larger than the endpoint accepts (answered 413). */
export class BodyTooLargeError extends Error {}

/** Reading the body would take more unverified bytes than the server holds at once (answered 503). */
export class BudgetExhaustedError extends Error {}

/**
 * Bytes of request bodies held in memory before their signature is checked, shared by every
 * request of one server. Each request takes what it reads (or what its `Content-Length` says, up
 * front) and gives it back when it is answered, so memory for unverified bodies stays below
 * `limitBytes` however many arrive at once.
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
  text: string;
  /** Gives the body's bytes back to the budget; call once the body is no longer needed. */
  release(): void;
}

/**
 * Reads a request body (UTF-8) within a per-body limit and the shared budget. A `Content-Length`
 * over the limit, or more than the budget has left, is refused before a byte is read; a body
 * without one (chunked) takes from the budget as it arrives. Throws `BodyTooLargeError` or
 * `BudgetExhaustedError`; a connection that breaks mid-body rejects with its error. Whatever was
 * taken is given back on every failure.
 */
export async function readBudgetedBody(
  req: IncomingMessage,
  options: ReadBodyOptions,
): Promise<HeldBody> {
  const { maxBytes, budget } = options;
  const declared = declaredLength(req);
  if (declared !== null && declared > maxBytes)
    throw new BodyTooLargeError(`body of ${declared} bytes is larger than ${maxBytes} bytes`);
  let held = 0;
  const hold = (bytes: number) => {
    if (bytes <= held) return;
    if (!budget.take(bytes - held))
      throw new BudgetExhaustedError('too many request bodies are being read at once');
    held = bytes;
  };
  try {
    if (declared !== null) hold(declared);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      const buf = chunk as Buffer;
      size += buf.length;
      if (size > maxBytes) throw new BodyTooLargeError(`body larger than ${maxBytes} bytes`);
      hold(size);
      chunks.push(buf);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    let released = false;
    return {
      text,
      release: () => {
        if (released) return;
        released = true;
        budget.give(held);
      },
    };
  } catch (err) {
    budget.give(held);
    throw err;
  }
}

/** `Content-Length` as a number; null when absent (Node's parser has already refused a malformed one). */
function declaredLength(req: IncomingMessage): number | null {
  const raw = req.headers['content-length'];
  if (raw === undefined) return null;
  const value = Number(raw);
  return Number.isSafeInteger(value) && value >= 0 ? value : null;
}
