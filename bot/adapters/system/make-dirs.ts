import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * Creates the folder `dir` and its missing parents with one mkdir(2) each, from the deepest
 * folder that exists down, and throws the first failure as it came (an `ErrnoException` with
 * `code`: ENOTDIR, EACCES, EROFS, ENOENT…); a path that exists but is not a folder is ENOTDIR.
 * Each folder made gets `mode` (before the umask; default 0o777).
 *
 * Own code instead of `mkdir(dir, { recursive: true })`: Node 20's recursive mkdir (MKDirpAsync
 * in src/node_file.cc) answers ENOENT by making the parent and trying the child again, so a
 * file system that refuses a new folder with ENOENT although its parent exists (procfs:
 * `/proc/x`) makes it spin at full CPU and never return. Walking down once always ends.
 */
export async function makeDirs(dir: string, mode = 0o777): Promise<void> {
  const missing: string[] = [];
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    const found = await stat(at).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    });
    if (found?.isDirectory()) break;
    if (found) throw notAFolder(at);
    missing.push(at);
    if (path.dirname(at) === at) break;
  }
  for (const folder of missing.reverse()) {
    await mkdir(folder, mode).catch(async (err: NodeJS.ErrnoException) => {
      // Made by someone else meanwhile: fine if it is a folder.
      if (err.code === 'EEXIST' && (await stat(folder).catch(() => null))?.isDirectory()) return;
      throw err;
    });
  }
}

function notAFolder(at: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${at}'`), {
    code: 'ENOTDIR',
    path: at,
    syscall: 'mkdir',
  });
}
