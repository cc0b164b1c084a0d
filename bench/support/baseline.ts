import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * prenv as of `ref`, exported with `git archive` into `into/baseline` and compiled there beside
 * this checkout's node_modules; null (with a line on stderr) when `ref` is not in this clone.
 */
export function checkoutBaseline(ref: string, into: string): string | null {
  try {
    execFileSync('git', ['rev-parse', '--verify', `${ref}^{commit}`], {
      cwd: root,
      stdio: 'ignore',
    });
  } catch {
    process.stderr.write(`baseline ${ref} is not in this clone: skipped\n`);
    return null;
  }
  const dir = path.join(into, 'baseline');
  mkdirSync(dir, { recursive: true });
  execFileSync('bash', ['-c', `git archive ${ref} | tar -x -C "${dir}"`], { cwd: root });
  symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
  execFileSync('bash', [path.join(dir, 'scripts/build.sh')], { cwd: dir, stdio: 'inherit' });
  return dir;
}
