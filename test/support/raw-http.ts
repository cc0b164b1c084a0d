import { connect } from 'node:net';

export interface RawAnswer {
  /** The status code of the answer; null when the connection closed without one. */
  status: number | null;
  headers: Record<string, string>;
  body: string;
}

/**
 * Sends `bytes` as they are over a new TCP connection (no client library between, so request
 * lines and headers no HTTP client would send get through) and reads one HTTP answer.
 */
export function rawRequest(
  port: number,
  bytes: string | Buffer,
  timeoutMs = 5_000,
  /** Half-close after sending: a request cut short then ends instead of waiting for more. */
  end = false,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    let done = false;
    const finish = (answer: RawAnswer | Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      if (answer instanceof Error) reject(answer);
      else resolve(answer);
    };
    const timer = setTimeout(
      () =>
        finish(
          new Error(
            `no answer within ${timeoutMs} ms to ${JSON.stringify(String(bytes).slice(0, 200))}`,
          ),
        ),
      timeoutMs,
    );
    const parsed = () => {
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return null;
      const [statusLine = '', ...lines] = received
        .subarray(0, end)
        .toString('latin1')
        .split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        if (colon > 0)
          headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? NaN);
      const body = received.subarray(end + 4);
      const length = Number(headers['content-length'] ?? NaN);
      const chunked = headers['transfer-encoding'] === 'chunked';
      const headOnly = String(bytes).startsWith('HEAD ');
      const complete = headOnly
        ? true
        : chunked
          ? body.includes('0\r\n\r\n')
          : Number.isFinite(length)
            ? body.length >= length
            : false;
      return {
        answer: {
          status: Number.isFinite(status) ? status : null,
          headers,
          body: body.toString('utf8'),
        },
        complete,
      };
    };
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const p = parsed();
      if (p?.complete) finish(p.answer);
    });
    socket.on('error', () => finish(parsed()?.answer ?? { status: null, headers: {}, body: '' }));
    socket.on('close', () => finish(parsed()?.answer ?? { status: null, headers: {}, body: '' }));
    socket.on('connect', () => (end ? socket.end(bytes) : socket.write(bytes)));
  });
}
