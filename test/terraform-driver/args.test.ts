import { describe, expect, it } from 'vitest';
import {
  applyArgs,
  automationEnv,
  destroyArgs,
  initArgs,
  outputArgs,
  planArgs,
  planExitMeaning,
  versionArgs,
} from '../../bot/adapters/terraform/args.js';
import { goDuration } from '../../bot/config/go-duration.js';
import { collectSecrets } from '../../bot/adapters/terraform/secrets.js';
import { dataDir, stateKey, targetName } from '../../bot/adapters/terraform/state-key.js';
import type { TfTarget } from '../../bot/adapters/terraform/types.js';

const pr = (n: number): TfTarget => ({
  environment: 'pr',
  pr: n,
  dir: 'terraform/environments/pr',
});

describe('state key scheme', () => {
  it.each<[TfTarget, string, string, string]>([
    [pr(7), 'prenv/pr/7.tfstate', '.terraform-pr-7', 'pr-7'],
    [pr(1234), 'prenv/pr/1234.tfstate', '.terraform-pr-1234', 'pr-1234'],
    [
      { environment: 'production', dir: 'p' },
      'prenv/production.tfstate',
      '.terraform',
      'production',
    ],
    [{ environment: 'staging', dir: 's' }, 'prenv/staging.tfstate', '.terraform', 'staging'],
  ])('%o → %s', (target, key, data, name) => {
    expect(stateKey(target)).toBe(key);
    expect(dataDir(target)).toBe(data);
    expect(targetName(target)).toBe(name);
  });

  it.each([undefined, 0, -3, 1.5, Number.NaN])('rejects PR number %s', (n) => {
    const target = {
      environment: 'pr',
      dir: 'd',
      ...(n === undefined ? {} : { pr: n }),
    } as TfTarget;
    expect(() => stateKey(target)).toThrow(/positive integer PR number/);
  });
});

describe('command lines', () => {
  it.each<[string, string[], string[]]>([
    ['version', versionArgs(), ['version', '-json']],
    [
      'init',
      initArgs(pr(7)),
      [
        'init',
        '-input=false',
        '-no-color',
        '-reconfigure',
        '-lockfile=readonly',
        '-backend-config=key=prenv/pr/7.tfstate',
      ],
    ],
    [
      'init without a committed lock file',
      initArgs(pr(7), [], false),
      [
        'init',
        '-input=false',
        '-no-color',
        '-reconfigure',
        '-backend-config=key=prenv/pr/7.tfstate',
      ],
    ],
    [
      'plan',
      planArgs('/tmp/x/vars.tfvars.json', 600_000),
      [
        'plan',
        '-input=false',
        '-no-color',
        '-json',
        '-detailed-exitcode',
        '-lock-timeout=600s',
        '-var-file=/tmp/x/vars.tfvars.json',
      ],
    ],
    [
      'apply',
      applyArgs('/v.json', 1_500),
      [
        'apply',
        '-input=false',
        '-no-color',
        '-json',
        '-auto-approve',
        '-lock-timeout=1500ms',
        '-var-file=/v.json',
      ],
    ],
    [
      'destroy',
      destroyArgs('/v.json', 0),
      [
        'destroy',
        '-input=false',
        '-no-color',
        '-json',
        '-auto-approve',
        '-lock-timeout=0s',
        '-var-file=/v.json',
      ],
    ],
    [
      'init with shared backend settings',
      initArgs(pr(8), ['../../backend.s3.hcl', 'region=eu-central-1']),
      [
        'init',
        '-input=false',
        '-no-color',
        '-reconfigure',
        '-lockfile=readonly',
        '-backend-config=../../backend.s3.hcl',
        '-backend-config=region=eu-central-1',
        '-backend-config=key=prenv/pr/8.tfstate',
      ],
    ],
    ['output', outputArgs(), ['output', '-no-color', '-json']],
  ])('%s', (_name, args, expected) => {
    expect(args).toEqual(expected);
  });

  it.each([
    [600_000, '600s'],
    [30_000, '30s'],
    [250, '250ms'],
    [0, '0s'],
  ])('lock timeout %i ms is spelled %s', (ms, spelled) => {
    expect(goDuration(ms)).toBe(spelled);
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects lock timeout %s', (ms) => {
    expect(() => goDuration(ms)).toThrow(/whole, non-negative/);
  });

  it('sets automation mode, the data directory and, for a PR, its own plugin cache', () => {
    expect(automationEnv('.terraform-pr-7', true)).toEqual({
      TF_IN_AUTOMATION: '1',
      TF_INPUT: '0',
      TF_DATA_DIR: '.terraform-pr-7',
      TF_PLUGIN_CACHE_DIR: '.terraform-pr-7/plugin-cache',
    });
    expect(automationEnv('.terraform', false)).toEqual({
      TF_IN_AUTOMATION: '1',
      TF_INPUT: '0',
      TF_DATA_DIR: '.terraform',
    });
  });

  it('gives two PRs different data directories and plugin caches', () => {
    const a = automationEnv(dataDir(pr(7)), true);
    const b = automationEnv(dataDir(pr(8)), true);
    expect(a.TF_DATA_DIR).not.toBe(b.TF_DATA_DIR);
    expect(a.TF_PLUGIN_CACHE_DIR).not.toBe(b.TF_PLUGIN_CACHE_DIR);
  });

  it.each([
    [0, 'no_changes'],
    [2, 'changes'],
    [1, 'failed'],
    [3, 'failed'],
  ] as const)('plan exit code %i means %s', (code, meaning) => {
    expect(planExitMeaning(code)).toBe(meaning);
  });
});

describe('secrets to redact', () => {
  it.each<
    [string, Record<string, string | undefined>, Record<string, unknown>, string[], string[]]
  >([
    [
      'well-known env names',
      { HCLOUD_TOKEN: 'h1', AWS_ACCESS_KEY_ID: 'a1', AWS_SECRET_ACCESS_KEY: 'a2', PATH: '/bin' },
      {},
      [],
      ['h1', 'a1', 'a2'],
    ],
    [
      'secret-looking TF_VAR_*',
      { TF_VAR_hcloud_token: 't1', TF_VAR_db_password: 'p1', TF_VAR_location: 'nbg1' },
      {},
      [],
      ['t1', 'p1'],
    ],
    [
      'secret-looking vars, nested',
      {},
      { hcloud_token: 'v1', api_keys: ['k1', 'k2'], server_type: 'cx22' },
      [],
      ['v1', 'k1', 'k2'],
    ],
    [
      'extra values, deduplicated',
      { HCLOUD_TOKEN: 'same' },
      {},
      ['same', 'other'],
      ['same', 'other'],
    ],
    ['nothing secret', { PATH: '/bin' }, { location: 'fsn1' }, [], []],
  ])('%s', (_name, env, vars, extra, expected) => {
    expect(collectSecrets(env, vars, extra).sort()).toEqual(expected.sort());
  });
});
