import { afterAll, afterEach, beforeAll } from 'vitest';

/**
 * Starts one `name` process for the calling test file (beforeAll), stops it and its children
 * (afterAll), and prints its output when a test fails. The getter throws before it started.
 */
export function useProcess<T extends { logs(): string; stop(): Promise<void> }>(
  name: string,
  start: () => Promise<T>,
  hook: string,
): () => T {
  let proc: T | undefined;
  beforeAll(async () => {
    proc = await start();
  });
  afterEach((ctx) => {
    if (proc && ctx.task.result?.state === 'fail') {
      console.error(
        `--- ${name.toLowerCase()} output (test failed) ---\n${proc.logs().slice(-8_000)}`,
      );
    }
  });
  afterAll(async () => {
    await proc?.stop();
  });
  return () => {
    if (!proc) throw new Error(`${name} is not running (${hook}() starts it in beforeAll)`);
    return proc;
  };
}
