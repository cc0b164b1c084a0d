import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readTail, tailLines } from '../../bot/adapters/terraform/tail-file.js';

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error('gave up waiting');
}

describe('following a file another process writes', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'prenv-tail-test-'));
    file = path.join(dir, 'stdout.jsonl');
    await writeFile(file, '');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('reports complete lines as they are written, each once, and the rest at the end', async () => {
    const lines: string[] = [];
    const tail = await tailLines(file, (l) => lines.push(l), 10);
    await appendFile(file, 'first\nsec');
    await until(() => lines.length === 1);
    expect(lines).toEqual(['first']);

    await appendFile(file, 'ond\r\n\nthird\n');
    await until(() => lines.length === 4);
    // A multi-byte character split across two writes (and so possibly two reads).
    const e = Buffer.from('é');
    await appendFile(file, Buffer.concat([Buffer.from('caf'), e.subarray(0, 1)]));
    await new Promise((r) => setTimeout(r, 30));
    await appendFile(file, Buffer.concat([e.subarray(1), Buffer.from('\nno newline')]));
    await tail.finish();

    expect(lines).toEqual(['first', 'second', '', 'third', 'café', 'no newline']);
  });

  it('reads what was written before it started and after the last poll', async () => {
    await writeFile(file, 'early\n');
    const lines: string[] = [];
    const tail = await tailLines(file, (l) => lines.push(l), 60_000);
    await appendFile(file, 'late\n');
    await tail.finish();
    expect(lines).toEqual(['early', 'late']);
  });

  it('hands a failing line handler back to the caller at the end', async () => {
    const tail = await tailLines(
      file,
      () => {
        throw new Error('handler broke');
      },
      10,
    );
    await appendFile(file, 'boom\n');
    await new Promise((r) => setTimeout(r, 50));
    await expect(tail.finish()).rejects.toThrow('handler broke');
  });

  it('keeps only the end of a long file', async () => {
    await writeFile(file, `${'x'.repeat(100)}tail`);
    await expect(readTail(file, 6)).resolves.toBe('xxtail');
    await expect(readTail(file, 1000)).resolves.toHaveLength(104);
  });
});
