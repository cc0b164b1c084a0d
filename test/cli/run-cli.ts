import { runProgram } from '../../bot/cli/program.js';
import type { CliContext } from '../../bot/cli/context.js';
import { repoRoot } from '../support/tools.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with a captured context. */
export async function runCli(args: string[], overrides: Partial<CliContext> = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = {
    cwd: repoRoot,
    env: { PATH: process.env.PATH },
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    isTTY: false,
    now: () => new Date('2026-11-22T12:00:00Z'),
    ...overrides,
  };
  const code = await runProgram(['node', 'prenv', ...args], ctx);
  return { code, stdout, stderr };
}
