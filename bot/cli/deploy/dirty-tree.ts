import path from 'node:path';
import { execa } from 'execa';
import { CliError, ExitCode } from '../exit-codes.js';

export type TreeState =
  { clean: true } | { clean: false; files: string[] } | { clean: false; error: string };

/**
 * Whether the templates, Terraform modules and prenv.yml beside the config file have changes
 * git has not committed (`git status --porcelain`), so production runs reviewed code only.
 */
export async function templateTreeState(configPath: string): Promise<TreeState> {
  const dir = path.dirname(configPath);
  const paths = ['nomad', 'caddy', 'terraform', path.basename(configPath)];
  const result = await execa('git', ['status', '--porcelain', '--', ...paths], {
    cwd: dir,
    reject: false,
    env: { LC_ALL: 'C' },
  });
  if (result.failed || result.exitCode !== 0) {
    const why =
      String(result.stderr || result.message)
        .trim()
        .split('\n')[0] ?? '';
    return { clean: false, error: `git status in ${dir}: ${why}` };
  }
  const files = String(result.stdout)
    .split('\n')
    .filter((l) => l.trim() !== '');
  return files.length === 0 ? { clean: true } : { clean: false, files };
}

export async function refuseDirtyTree(configPath: string, env: string): Promise<void> {
  const state = await templateTreeState(configPath);
  if (state.clean) return;
  const message =
    'files' in state
      ? `refusing to deploy ${env}: these files have uncommitted changes:\n` +
        `${state.files.map((f) => `  ${f}`).join('\n')}\n` +
        'Commit them (so the change is reviewed), or pass --allow-dirty to deploy anyway.'
      : `refusing to deploy ${env}: cannot tell whether its templates are committed ` +
        `(${state.error}). Run prenv from a git checkout, or pass --allow-dirty.`;
  throw new CliError(message, ExitCode.refused);
}
