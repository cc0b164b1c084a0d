import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';

export interface FileTail {
  /** Reads what is left, reports the last line even without a newline, and closes the file. */
  finish(): Promise<void>;
}

const CHUNK = 64 * 1024;

/**
 * Follows a file another process writes to, reporting each complete line once. It polls
 * every `intervalMs` and reads only the bytes added since the last read.
 */
export async function tailLines(
  file: string,
  onLine: (line: string) => void,
  intervalMs = 100,
): Promise<FileTail> {
  const handle: FileHandle = await open(file, 'r');
  const decoder = new StringDecoder('utf8');
  const buffer = Buffer.alloc(CHUNK);
  let position = 0;
  let partial = '';
  let timer: NodeJS.Timeout | undefined;
  let finished = false;

  const emit = (text: string) => {
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
  };

  const readNew = async () => {
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, position);
      if (bytesRead === 0) return;
      position += bytesRead;
      emit(decoder.write(buffer.subarray(0, bytesRead)));
    }
  };

  // One read at a time: the next poll is scheduled only after the previous one finished.
  // A failed read (or a throwing `onLine`) stops polling and is rethrown by `finish`.
  let reading: Promise<void> = Promise.resolve();
  let failure: { error: unknown } | undefined;
  const schedule = () => {
    timer = setTimeout(() => {
      reading = readNew().then(
        () => {
          if (!finished) schedule();
        },
        (error: unknown) => {
          failure = { error };
        },
      );
    }, intervalMs);
  };
  schedule();

  return {
    async finish() {
      finished = true;
      clearTimeout(timer);
      try {
        await reading;
        if (failure) throw failure.error;
        await readNew();
        emit(decoder.end());
        if (partial) onLine(partial.endsWith('\r') ? partial.slice(0, -1) : partial);
        partial = '';
      } finally {
        await handle.close();
      }
    },
  };
}

/** The last `maxBytes` of a file as text (the whole file when it is smaller). */
export async function readTail(file: string, maxBytes: number): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    return buffer.toString('utf8');
  } finally {
    await handle.close();
  }
}
