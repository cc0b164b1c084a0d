import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { text as readStream } from 'node:stream/consumers';
import {
  importState,
  parseStateDocument,
  StateNotEmptyError,
} from '../../adapters/store/state-transfer.js';
import { openStateFor } from '../cli-ports.js';
import type { ActionInput } from '../command-spec.js';
import { CliError, ExitCode, type ExitCodeValue } from '../exit-codes.js';

export async function action({
  ctx,
  program,
  args,
  opts,
}: ActionInput<{ state?: string; json?: boolean }>): Promise<ExitCodeValue> {
  const [file] = args as [string];
  const source = file === '-' ? 'stdin' : file;
  const text =
    file === '-'
      ? await readStream(process.stdin)
      : await readFile(path.resolve(ctx.cwd, file), 'utf8').catch((err: unknown) => {
          throw new CliError(
            `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
            ExitCode.usage,
          );
        });
  let doc;
  try {
    doc = parseStateDocument(text, source);
  } catch (err) {
    throw new CliError((err as Error).message, ExitCode.usage);
  }
  const store = await openStateFor(program, ctx, opts.state, false);
  try {
    const counts = await importState(store, doc).catch((err: unknown) => {
      // A store that holds a state is refused (exit 4): it may be the only copy of one.
      const code = err instanceof StateNotEmptyError ? ExitCode.refused : ExitCode.failure;
      throw new CliError(`cannot import ${source}: ${(err as Error).message}`, code);
    });
    ctx.stdout(
      opts.json
        ? `${JSON.stringify({ imported: counts })}\n`
        : `Imported ${counts.environments} environments, ${counts.deliveries} queued deliveries, ${counts.deadLetters} dead letters and ${counts.completed} completed delivery ids (redeliveries of them stay duplicates).\n`,
    );
    return ExitCode.ok;
  } finally {
    await store.close();
  }
}
