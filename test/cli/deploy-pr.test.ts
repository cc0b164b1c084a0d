import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/tools.js';
import { startTryItStack, type TryItStack } from '../../scripts/local-stack-env.js';
import { runCli, type CliRun } from './run-cli.js';

const GOLDEN = path.join(repoRoot, 'test/cli/golden');
const SHA = '3f2c9a1';

/** Terraform's elapsed times and step durations vary from run to run. */
function mask(text: string): string {
  return text
    .replace(/ after \d+s/g, ' after Ns')
    .replace(/"seconds": [\d.]+/g, '"seconds": 0')
    .replace(/\(\d+\.\d+s\)/g, '(N.Ns)');
}

function transcript(run: CliRun): string {
  return `exit ${run.code}\n--- stdout\n${run.stdout}--- stderr\n${run.stderr}`;
}

function expectGolden(name: string, text: string): void {
  const file = path.join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN) writeFileSync(file, text);
  expect(text).toBe(readFileSync(file, 'utf8'));
}

let tryIt: TryItStack;
const cli = (args: string[]) =>
  runCli(['--config', tryIt.configFile, ...args], {
    env: { PATH: process.env.PATH, USER: 'alice', ...tryIt.env },
  });

beforeAll(async () => {
  tryIt = await startTryItStack({
    configFile: path.join(repoRoot, 'examples/aipacto/prenv.yml'),
  });
}, 60_000);
afterAll(async () => {
  await tryIt?.stop();
});

describe('prenv deploy pr / destroy pr against the local stack', () => {
  it('deploys pr-7 through the bot pipelines and destroys it again (text)', async () => {
    const deploy = await cli(['deploy', 'pr', '7', '--sha', SHA]);
    expectGolden('deploy-pr-7.txt.golden', mask(transcript(deploy)));
    expect(deploy.code).toBe(0);
    const page = await tryIt.stack.get('pr-7.pr.aipacto.com');
    expect(page).toEqual({ status: 200, body: `aipacto-pr-7-web ${SHA}` });

    const destroy = await cli(['destroy', 'pr', '7']);
    expectGolden('destroy-pr-7.txt.golden', mask(transcript(destroy)));
    expect(destroy.code).toBe(0);
    expect((await tryIt.stack.get('pr-7.pr.aipacto.com')).status).toBe(404);
    expect(await tryIt.stack.cloud.servers()).toEqual([]);
  }, 60_000);

  it('reports as one JSON object with --json', async () => {
    const deploy = await cli(['deploy', 'pr', '7', '--sha', SHA, '--json']);
    expect(deploy.code).toBe(0);
    expectGolden('deploy-pr-7.json.golden', mask(deploy.stdout));
    const destroy = await cli(['destroy', 'pr', '7', '--json']);
    expect(destroy.code).toBe(0);
    expectGolden('destroy-pr-7.json.golden', mask(destroy.stdout));
  }, 60_000);

  it('says when there is nothing to destroy', async () => {
    const run = await cli(['destroy', 'pr', '41']);
    expect(run).toMatchObject({
      code: 0,
      stdout: 'pr-41 has no environment: nothing to destroy\n',
    });
  });

  it('shows one timed line per step on a terminal', async () => {
    let clock = Date.UTC(2026, 10, 22, 12);
    const run = await runCli(['--config', tryIt.configFile, 'deploy', 'pr', '8', '--sha', SHA], {
      env: { PATH: process.env.PATH, USER: 'alice', ...tryIt.env },
      isTTY: true,
      now: () => new Date((clock += 1_500)),
    });
    expect(run.code).toBe(0);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines.slice(0, 3)).toEqual([
      '✔ terraform apply pr-8 (1.5s)',
      '  Plan: 1 to add, 0 to change, 0 to destroy.',
      expect.stringMatching(/^ {2}module\.preview\.hcloud_server\.client\[0\]: Creation complete/),
    ]);
    expect(lines.at(-1)).toBe('✔ requesting pr-8.pr.aipacto.com through Caddy (1.5s)');
    const steps = lines.filter((l) => !l.startsWith('  '));
    expect(steps).toHaveLength(8);
    expect(steps.every((l) => /^✔ .+ \(\d+\.\ds\)$/.test(l))).toBe(true);
    expect((await cli(['destroy', 'pr', '8'])).code).toBe(0);
  }, 60_000);

  it('fails with the error of the failed step and a non-zero exit code', async () => {
    const env = { PATH: process.env.PATH, ...tryIt.env, PRENV_RUN_RETRY_MS: '45000' };
    const run = await runCli(['--config', tryIt.configFile, 'deploy', 'pr', '9', '--sha', SHA], {
      env: { ...env, PRENV_FAKE_TF_FAIL: 'server_type_unavailable' },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^step terraform apply pr-9$/m);
    expect(run.stderr).toMatch(/prenv: deploy of pr-9 failed: .*server type/i);
    // The failed run is retried after PRENV_RUN_RETRY_MS, not the default 30 s.
    const status = await runCli(['--config', tryIt.configFile, 'status', 'pr', '9', '--json'], {
      env,
    });
    const { failure } = JSON.parse(status.stdout) as {
      failure: { failedAt: string; nextRetryAt: string };
    };
    expect(Date.parse(failure.nextRetryAt) - Date.parse(failure.failedAt)).toBe(45_000);
    expect((await cli(['destroy', 'pr', '9'])).code).toBe(0);
  }, 60_000);
});

describe('a PRENV_STATE that holds no prenv state (a typo, another folder)', () => {
  const withState = (state: string) => (args: string[]) =>
    runCli(['--config', tryIt.configFile, ...args], {
      env: { PATH: process.env.PATH, USER: 'alice', ...tryIt.env, PRENV_STATE: state },
    });

  it.each([
    [['destroy', 'pr', '7']],
    [['destroy', 'pr', '7', '--json']],
    [['destroy', 'production', '--yes']],
  ])('%j refuses with exit 3 naming PRENV_STATE, and creates nothing', async (args) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'prenv-typo-'));
    const state = path.join(dir, 'stat.db');
    const run = await withState(state)(args);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`no prenv state at ${state}: set PRENV_STATE to the bot's state`);
    if (args.includes('--json'))
      expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, exitCode: 3 });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses the same for a Consul KV folder with no state, and writes no key there', async () => {
    const consul = tryIt.stack.consul.httpUrl.replace(/^http:\/\//, '');
    const run = await withState(`consul://${consul}/prenv/typo/state`)(['destroy', 'pr', '7']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('no prenv state at Consul KV prenv/typo/state');
    expect(await tryIt.stack.consulClient.kv.keys('prenv/typo/')).toEqual([]);
  });

  it('lets a first deploy start the state, and says where', async () => {
    const state = path.join(mkdtempSync(path.join(tmpdir(), 'prenv-first-')), 'state.db');
    const first = await withState(state)(['deploy', 'pr', '12', '--sha', SHA]);
    expect(first.code).toBe(0);
    expect(first.stderr).toContain(
      `prenv: no prenv state at state file ${state}: started an empty one there (PRENV_STATE names it).`,
    );
    expect(existsSync(state)).toBe(true);
    const again = await withState(state)(['deploy', 'pr', '12', '--sha', SHA]);
    expect(again.code).toBe(0);
    expect(again.stderr).not.toContain('started an empty one');
    expect((await withState(state)(['destroy', 'pr', '12'])).code).toBe(0);
  }, 60_000);
});
