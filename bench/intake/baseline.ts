import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { root } from './settings.js';

/** prenv as of `ref`, compiled in a folder of its own beside `root`'s node_modules; null if absent. */
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
