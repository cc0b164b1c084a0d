import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createConsulClient } from '../../bot/adapters/consul/client.js';
import { openSqliteStore } from '../../bot/adapters/store/sqlite-store.js';
import { useConsul } from '../support/consul-process.js';
import { repoRoot } from '../support/tools.js';
import { runCli } from './run-cli.js';

// `prenv deploy pr N` with previews.protect github (the default) against a real Consul: the
// preview's route sends each request to the bot first, so a deploy with no bot in Consul
// (workflow-only mode) is refused before anything runs, saying what to set.
const consul = useConsul();
const EXAMPLE = path.join(repoRoot, 'examples/aipacto/prenv.yml');

function setup(protect?: 'none') {
  const dir = mkdtempSync(path.join(tmpdir(), 'prenv-gate-'));
  const config = path.join(dir, 'prenv.yml');
  const text = readFileSync(EXAMPLE, 'utf8');
  writeFileSync(
    config,
    protect ? text.replace('previews:\n', `previews:\n  protect: ${protect}\n`) : text,
  );
  const env = {
    PATH: process.env.PATH,
    PRENV_STATE: path.join(dir, 'state.db'),
    PRENV_CONSUL_ADDR: consul().httpUrl,
    PRENV_TERRAFORM_BIN: path.join(dir, 'no-such-terraform'),
    PRENV_CADDY_ADMIN: 'http://127.0.0.1:9',
    PRENV_NOMAD_ADDR: 'http://127.0.0.1:9',
  };
  return { dir, config, env };
}

// Nomad and Caddy are closed ports here: past the endpoint preflight, the gate is what answers.
const deploy = (config: string, env: Record<string, string | undefined>, extra = {}) =>
  runCli(['--config', config, 'deploy', 'pr', '7', '--sha', 'abc1234', '--skip-preflight'], {
    env: { ...env, ...extra },
  });

async function envs(dir: string) {
  const store = openSqliteStore(path.join(dir, 'state.db'));
  try {
    return Object.keys((await store.loadWorld()).world.envs);
  } finally {
    await store.close();
  }
}

describe('prenv deploy pr N needs the bot when previews are protected', () => {
  it('refuses without a bot in Consul (workflow-only mode), naming previews.protect: none', async () => {
    const { dir, config, env } = setup();
    const run = await deploy(config, env);
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('cannot deploy pr-7: previews.protect is github (prenv.yml)');
    expect(run.stderr).toContain('Consul lists no healthy prenv-bot service');
    expect(run.stderr).toContain('set `previews: { protect: none }` in prenv.yml');
    expect(await envs(dir)).toEqual([]);
  });

  it('with previews.protect: none, the same deploy is not refused for want of a bot', async () => {
    const { config, env } = setup('none');
    const run = await deploy(config, env);
    expect(run.stderr).not.toContain('previews.protect');
    // It got as far as its first step (Terraform, missing here).
    expect(run.stderr).toContain('step terraform apply pr-7');
  });

  it('a destroy needs no bot', async () => {
    const { dir, config, env } = setup();
    await envs(dir); // the state the bot would have started
    const run = await runCli(['--config', config, 'destroy', 'pr', '7'], { env });
    expect(run).toMatchObject({ code: 0, stderr: '' });
  });

  it("with a bot, asks for its webhook secret, which the deploy's last check needs", async () => {
    const services = createConsulClient({ baseUrl: consul().httpUrl, fetch }).services;
    await services.register({
      id: 'prenv-bot-1',
      name: 'prenv-bot',
      address: '127.0.0.1',
      port: 9,
    });
    try {
      const { dir, config, env } = setup();
      const run = await deploy(config, env);
      expect(run.code).toBe(3);
      expect(run.stderr).toContain('set PRENV_WEBHOOK_SECRET to the bot’s');
      expect(await envs(dir)).toEqual([]);

      const withSecret = await deploy(config, env, { PRENV_WEBHOOK_SECRET: 'the-bots-secret' });
      expect(withSecret.stderr).not.toContain('previews.protect');
      expect(withSecret.stderr).toContain('step terraform apply pr-7');
    } finally {
      await services.deregister('prenv-bot-1');
    }
  });
});
