import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { exportState } from '../../adapters/store/state-transfer.js';
import { openStateFor } from '../cli-ports.js';
import type { ActionInput } from '../command-spec.js';
import { CliError, ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { pathOption } from '../path-option.js';

export async function action({
  ctx,
  program,
  opts,
}: ActionInput<{ state?: string; out?: string; force?: boolean }>): Promise<ExitCodeValue> {
  const out = pathOption('--out', opts.out);
  const store = await openStateFor(program, ctx, opts.state, true);
  try {
    const text = `${JSON.stringify(await exportState(store, Date.now()), null, 2)}\n`;
    if (out) await writeExport(path.resolve(ctx.cwd, out), out, text, opts.force === true);
    else ctx.stdout(text);
    return ExitCode.ok;
  } finally {
    await store.close();
  }
}

/**
 * Writes the export (mode 0600) to `file`; an existing file is refused (exit 4) unless
 * `force`, since it may be the only copy of an earlier state, and a path that cannot be
 * written names --out (exit 2).
 */
async function writeExport(file: string, shown: string, text: string, force: boolean) {
  try {
    await writeFile(file, text, { mode: 0o600, flag: force ? 'w' : 'wx' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST')
      throw new CliError(
        `${shown} exists; pass --force to overwrite it or --out to write elsewhere`,
        ExitCode.refused,
      );
    if (code === undefined) throw err;
    throw new CliError(
      `cannot write the export to ${shown} (${code}): check --out`,
      ExitCode.usage,
    );
  }
}
