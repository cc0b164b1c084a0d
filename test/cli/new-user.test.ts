import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/tools.js';
import { runCli } from './run-cli.js';

interface Started {
  child: ChildProcess;
  output: () => string;
}

/** Starts `scripts/local-stack.ts` as `npm run local-stack` does and waits for its banner. */
async function startScript(): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/local-stack.ts'], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner in 60s:\n${output}`)), 60_000);
    const check = () => {
      if (!output.includes('ready — press Ctrl-C')) return;
      clearTimeout(timer);
      resolve();
    };
    child.stdout!.on('data', check);
    child.on('exit', (code) => reject(new Error(`local stack exited (${code}):\n${output}`)));
  });
  return { child, output: () => output };
}

/** The `export NAME='value'` lines and the --config of the alias, as a user would paste them. */
function pasted(banner: string): { env: Record<string, string>; config: string } {
  const env: Record<string, string> = {};
  for (const m of banner.matchAll(/^ {2}export (PRENV_\w+)='([^']*)'$/gm)) env[m[1]!] = m[2]!;
  const config = /^ {2}alias prenv='.* --config (\S+)'$/m.exec(banner)?.[1];
  if (!config) throw new Error(`no alias line in:\n${banner}`);
  return { env, config };
}

let started: Started | undefined;
afterAll(() => {
  if (started?.child.exitCode === null) started.child.kill('SIGKILL');
});

describe('trying prenv as a new user', () => {
  it('starts the local stack, deploys pr 7, lists it, costs it and destroys it', async () => {
    started = await startScript();
    const banner = started.output();
    expect(banner).toContain('the cloud is SIMULATED');
    const { env, config } = pasted(banner);
    expect(Object.keys(env).sort()).toEqual([
      'PRENV_CADDY_ADMIN',
      'PRENV_CADDY_HTTP',
      'PRENV_CONSUL_ADDR',
      'PRENV_FAKE_TF_STATE_DIR',
      'PRENV_NOMAD_ADDR',
      'PRENV_STAGING_CADDY_ADMIN',
      'PRENV_STAGING_CADDY_HTTP',
      'PRENV_STAGING_CONSUL_ADDR',
      'PRENV_STAGING_NOMAD_ADDR',
      'PRENV_STATE',
      'PRENV_TERRAFORM_BIN',
      'PRENV_TERRAFORM_DIR',
      'PRENV_TF_PRODUCTION_OUTPUTS',
    ]);
    const prenv = (...args: string[]) =>
      runCli(['--config', config, ...args], {
        env: { PATH: process.env.PATH, USER: 'newcomer', ...env },
      });

    const deploy = await prenv('deploy', 'pr', '7', '--sha', '3f2c9a1');
    expect(deploy.stdout).toBe('pr-7 is live at https://pr-7.pr.aipacto.com (3f2c9a1)\n');
    expect(deploy.code).toBe(0);

    const list = await prenv('list');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^pr-7 +live +https:\/\/pr-7\.pr\.aipacto\.com +3f2c9a1 /m);

    const cost = await prenv('cost');
    expect(cost.code).toBe(0);
    expect(cost.stdout).toMatch(/^pr-7 +live +1 × cx22 /m);

    const destroy = await prenv('destroy', 'pr', '7');
    expect(destroy).toMatchObject({ code: 0, stdout: 'pr-7 is destroyed\n' });

    started.child.kill('SIGINT');
    const code = await new Promise((resolve) => started!.child.once('exit', resolve));
    expect(code).toBe(0);
    expect(started.output()).toMatch(/stopping…\nstopped\n$/);
    expect(existsSync(path.dirname(config))).toBe(false);
  }, 120_000);
});
