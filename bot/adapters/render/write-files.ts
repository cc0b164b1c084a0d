import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RenderedFile } from '../../../generators/render-environment.js';
import { makeDirs } from '../system/make-dirs.js';

/**
 * Writes the rendered files into `dir` (created if needed); returns the paths written. A folder
 * that cannot be made or written throws the `ErrnoException` of the first call that failed.
 */
export async function writeRenderedFiles(
  dir: string,
  files: Pick<RenderedFile, 'path' | 'content'>[],
): Promise<string[]> {
  await makeDirs(dir);
  const written: string[] = [];
  for (const file of files) {
    if (path.basename(file.path) !== file.path)
      throw new Error(`unexpected file name ${file.path}`);
    const target = path.join(dir, file.path);
    await writeFile(target, file.content);
    written.push(target);
  }
  return written;
}
