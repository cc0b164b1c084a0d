import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaddyAdminClient } from '../../bot/adapters/caddy/admin-client.js';
import { repoRoot } from '../support/tools.js';
import { startTryItStack, type TryItStack } from '../../scripts/local-stack-env.js';
import { runCli } from './run-cli.js';

const SHA = '3f2c9a1';
let tryIt: TryItStack;
const cli = (...args: string[]) =>
  runCli(['--config', tryIt.configFile, ...args], {
    // No saved outputs: a PR reads production's outputs through `terraform output`.
    env: { PATH: process.env.PATH, USER: 'alice', ...tryIt.env, PRENV_TF_PRODUCTION_OUTPUTS: '' },
  });
const route = (env: string) =>
  createCaddyAdminClient({
    baseUrl: tryIt.stack.caddy.adminUrl,
    fetch,
    server: tryIt.stack.caddy.serverName,
  }).getRoute(env);

/** The config's folder as a reviewed infrastructure repository: everything committed. */
function commitAll(dir: string): void {
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
      cwd: dir,
      stdio: 'pipe',
    });
  writeFileSync(path.join(dir, '.gitignore'), '.terraform*/\nstate.db*\n');
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '-m', 'infrastructure');
}

beforeAll(async () => {
  tryIt = await startTryItStack({
    configFile: path.join(repoRoot, 'examples/aipacto/prenv.yml'),
  });
  commitAll(path.dirname(tryIt.configFile));
}, 60_000);
afterAll(async () => {
  await tryIt?.stop();
});

describe('prenv deploy production against the local stack', () => {
  it('applies Terraform, runs the jobs with canaries, loads the route and answers through Caddy', async () => {
    const run = await cli('deploy', 'production', '--sha', SHA, '--yes');
    expect(run.stdout).toBe(`production is live at https://aipacto.com (${SHA})\n`);
    expect(run.code).toBe(0);
    expect(run.stderr.split('\n').filter((l) => l.startsWith('step '))).toEqual([
      'step terraform plan production',
      'step terraform apply production',
      'step waiting for 3 production node(s) in Nomad',
      'step submitting aipacto-production.nomad.hcl',
      'step waiting for the Nomad deployment of aipacto-production',
      'step loading the Caddy route',
      'step waiting for aipacto-production-server to pass its health check',
      'step waiting for aipacto-production-web to pass its health check',
      'step requesting aipacto.com through Caddy',
    ]);

    const servers = ['1', '2', '3'].map((n) => `aipacto-production-server-${n}`);
    expect(await tryIt.stack.cloud.clusterServers('production')).toEqual(servers);
    const nodes = [...tryIt.stack.nomad.cluster.nodes.values()];
    expect(nodes.filter((n) => n.NodePool === 'default').map((n) => n.Name)).toEqual(servers);

    const job = tryIt.stack.nomad.cluster.jobs.get('aipacto-production');
    expect(job?.Update).toMatchObject({ Canary: 1, AutoPromote: true, AutoRevert: true });
    // The commit is group meta of the groups that use it, never job meta (which every task inherits).
    expect(job?.Meta).toEqual({ prenv_project: 'aipacto', prenv_env: 'production' });
    const groups = (job?.TaskGroups ?? []) as { Meta?: Record<string, string> }[];
    expect(groups.map((g) => g.Meta?.prenv_sha)).toEqual([SHA, SHA]);
    expect(await route('production')).toMatchObject({ match: [{ host: ['aipacto.com'] }] });
    expect(await tryIt.stack.get('aipacto.com')).toEqual({
      status: 200,
      body: `aipacto-production-web ${SHA}`,
    });
    expect((await tryIt.stack.get('aipacto.com', '/api/health')).body).toBe(
      `aipacto-production-server ${SHA}`,
    );
  }, 60_000);

  it('reports a second deploy as JSON, with the route left as it was', async () => {
    const run = await cli('deploy', 'production', '--sha', SHA, '--yes', '--json');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { steps: { name: string; notes: string[] }[] };
    expect(report).toMatchObject({
      env: 'production',
      command: 'deploy',
      sha: SHA,
      outcome: 'deployed',
      url: 'https://aipacto.com',
      error: null,
    });
    const terraform = report.steps.find((s) => s.name === 'terraform apply production');
    expect(terraform?.notes).toContain(
      'Apply complete! Resources: 0 added, 0 changed, 0 destroyed.',
    );
    const caddy = report.steps.find((s) => s.name === 'loading the Caddy route');
    expect(caddy?.notes).toEqual(['route prenv-production: unchanged']);
  }, 60_000);

  it("deploys the bot's job with the application and routes its webhook host", async () => {
    const run = await runCli(
      ['--config', tryIt.configFile, 'deploy', 'production', '--sha', SHA, '--yes'],
      {
        env: {
          PATH: process.env.PATH,
          USER: 'alice',
          ...tryIt.env,
          PRENV_TF_PRODUCTION_OUTPUTS: '',
          PRENV_BOT_IMAGE: 'ghcr.io/aipacto/prenv:0.1.0',
          PRENV_WEBHOOK_HOST: 'prenv.aipacto.com',
        },
      },
    );
    expect([run.code, run.stdout]).toEqual([
      0,
      `production is live at https://aipacto.com (${SHA})\n`,
    ]);
    expect(
      run.stderr
        .split('\n')
        .filter((l) => l.startsWith('step '))
        .slice(-4),
    ).toEqual([
      'step submitting prenv-bot.nomad.hcl',
      'step waiting for the Nomad deployment of prenv-bot',
      'step routing prenv.aipacto.com to the bot',
      'step requesting prenv.aipacto.com/healthz through Caddy',
    ]);
    const job = tryIt.stack.nomad.cluster.jobs.get('prenv-bot');
    expect(job?.Meta).toMatchObject({ prenv_project: 'aipacto', prenv_env: 'bot' });
    expect(await route('bot')).toMatchObject({ match: [{ host: ['prenv.aipacto.com'] }] });
    expect((await tryIt.stack.get('prenv.aipacto.com', '/metrics')).status).toBe(404);
  }, 60_000);

  it('deploys staging the same way, without asking', async () => {
    const run = await cli('deploy', 'staging', '--sha', SHA);
    expect(run.code).toBe(0);
    expect(await tryIt.stack.cloud.clusterServers('staging')).toEqual(['aipacto-staging-server-1']);
    expect((await tryIt.stack.get('staging.aipacto.com')).body).toBe(`aipacto-staging-web ${SHA}`);
  }, 60_000);

  it('shows a plan that resizes servers and applies it only with a flag, one server at a time', async () => {
    const original = readFileSync(tryIt.configFile, 'utf8');
    writeFileSync(tryIt.configFile, original.replace('server_type: cx22', 'server_type: cx32'));
    try {
      const refused = await cli('deploy', 'production', '--sha', SHA, '--yes', '--allow-dirty');
      expect(refused.code).toBe(4);
      expect(refused.stderr).toContain('the Terraform plan of production changes servers:');
      for (const i of [0, 1, 2])
        expect(refused.stderr).toContain(`update module.cluster.hcloud_server.server[${i}]`);
      expect(refused.stderr).toContain('--allow-server-changes');

      const allAtOnce = await cli(
        'deploy',
        'production',
        '--sha',
        SHA,
        '--yes',
        '--allow-dirty',
        '--allow-server-changes',
      );
      expect(allAtOnce.code).toBe(4);
      expect(allAtOnce.stderr).toContain('changes 3 servers at once');
      expect(allAtOnce.stderr).toContain(
        "terraform apply -target='module.cluster.hcloud_server.server[1]'",
      );
      const types = await tryIt.stack.cloud.clusterServerTypes('production');
      expect(types).toEqual(['cx22', 'cx22', 'cx22']);

      // Staging's single server may be resized once the operator says so.
      expect((await cli('deploy', 'staging', '--sha', SHA)).code).toBe(4);
      const staging = await cli('deploy', 'staging', '--sha', SHA, '--allow-server-changes');
      expect(staging.code).toBe(0);
      expect(await tryIt.stack.cloud.clusterServerTypes('staging')).toEqual(['cx32']);
    } finally {
      writeFileSync(tryIt.configFile, original);
    }
    expect((await cli('deploy', 'staging', '--sha', SHA, '--allow-server-changes')).code).toBe(0);
  }, 90_000);

  it('destroys production only once no PR environment needs it', async () => {
    expect((await cli('deploy', 'pr', '7', '--sha', SHA)).code).toBe(0);
    const refused = await cli('destroy', 'production', '--yes');
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain('PR environments use its network and Nomad: pr-7');
    expect(await tryIt.stack.cloud.clusterServers('production')).toHaveLength(3);

    expect((await cli('destroy', 'pr', '7')).code).toBe(0);
    const run = await cli('destroy', 'production', '--yes');
    expect(run).toMatchObject({ code: 0, stdout: 'production is destroyed\n' });
    expect(await tryIt.stack.cloud.clusterServers('production')).toEqual([]);
    expect(await route('production')).toBeUndefined();
    expect(tryIt.stack.nomad.cluster.jobs.has('aipacto-production')).toBe(false);
    expect((await tryIt.stack.get('aipacto.com')).status).toBe(404);
  }, 60_000);
});
