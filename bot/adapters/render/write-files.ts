import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RenderedFile } from '../../../generators/render-environment.js';

/** Writes the rendered files into `dir` (created if needed); returns the paths written. */
export async function writeRenderedFiles(dir: string, files: RenderedFile[]): Promise<string[]> {
  await mkdir(dir, { recursive: true });
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
