import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { exportState } from '../../adapters/store/state-transfer.js';
import { openStateFor } from '../cli-ports.js';
import type { ActionInput } from '../command-spec.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';

export async function action({
  ctx,
  program,
  opts,
}: ActionInput<{ state?: string; out?: string }>): Promise<ExitCodeValue> {
  const store = await openStateFor(program, ctx, opts.state, true);
  try {
    const text = `${JSON.stringify(await exportState(store, Date.now()), null, 2)}\n`;
    if (opts.out) await writeFile(path.resolve(ctx.cwd, opts.out), text, { mode: 0o600 });
    else ctx.stdout(text);
    return ExitCode.ok;
  } finally {
    await store.close();
  }
}
