/**
 * Vitest global setup: compiles the CLI to dist/ when a source is newer (scripts/build.sh),
 * because the tests that spawn `bin/prenv.js` run the compiled code users run.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './tools.js';

export default function setup(): void {
  execFileSync('bash', [path.join(repoRoot, 'scripts/build.sh')], { stdio: 'inherit' });
}
