import { writeRenderedFiles } from '../adapters/render/write-files.js';
import type { RenderedFile } from '../../generators/render-environment.js';
import { CliError, ExitCode } from './exit-codes.js';

/**
 * Writes rendered files into `outDir`; a folder that cannot be made or written fails once,
 * naming --out (exit 2) when `fromFlag`, else the default folder (exit 1).
 */
export async function writeOut(
  outDir: string,
  files: Pick<RenderedFile, 'path' | 'content'>[],
  fromFlag: boolean,
): Promise<void> {
  try {
    await writeRenderedFiles(outDir, files);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === undefined) throw err;
    const what = fromFlag ? '--out' : 'the output folder (choose another with --out)';
    throw new CliError(
      `cannot write the rendered files into ${outDir} (${code}): check ${what}`,
      fromFlag ? ExitCode.usage : ExitCode.failure,
    );
  }
}
