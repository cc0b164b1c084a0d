import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { formatProblem, parseConfig } from '../../bot/config/load.js';
import { readRuntimeSettings } from '../../bot/wiring/settings.js';
import { stateTarget } from '../../bot/wiring/state-target.js';
import { repoRoot } from '../support/tools.js';

const example = readFileSync(path.join(repoRoot, 'examples/aipacto/prenv.yml'), 'utf8');

function config(extra: string) {
  const result = parseConfig(`${example}${extra}`, 'prenv.yml');
  if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
  return result.config;
}

function settings(env: Record<string, string>) {
  const result = readRuntimeSettings(env);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.settings;
}

describe('where the state lives', () => {
  it.each([
    ['nothing set: the SQLite file', '', {}, { kind: 'sqlite', file: '/srv/.prenv/state.db' }],
    [
      'PRENV_STATE names a file',
      '',
      { PRENV_STATE: 'data/s.db' },
      { kind: 'sqlite', file: '/srv/data/s.db' },
    ],
    [
      'state: consul, with PRENV_CONSUL_ADDR and its token',
      'state: consul\n',
      { PRENV_CONSUL_ADDR: 'http://10.0.0.2:8500', PRENV_CONSUL_TOKEN: 'tok-123456' },
      {
        kind: 'consul',
        url: 'http://10.0.0.2:8500',
        prefix: 'prenv/aipacto/state',
        token: 'tok-123456',
      },
    ],
    [
      'state with a prefix',
      'state: { store: consul, prefix: ops/bot }\n',
      {},
      { kind: 'consul', url: 'http://127.0.0.1:8500', prefix: 'ops/bot' },
    ],
    [
      'PRENV_STATE=consul:// wins over the config',
      '',
      { PRENV_STATE: 'consul://consul.internal:8501/a/b' },
      { kind: 'consul', url: 'http://consul.internal:8501', prefix: 'a/b' },
    ],
    [
      'consul+https://',
      'state: sqlite\n',
      { PRENV_STATE: 'consul+https://consul.internal/a/' },
      { kind: 'consul', url: 'https://consul.internal', prefix: 'a' },
    ],
  ])('%s', (_what, yml, env, expected) => {
    expect(stateTarget(config(yml), settings(env), '/srv')).toEqual(expected);
  });

  it.each([
    'consul://',
    'consul://127.0.0.1:8500',
    'consul://127.0.0.1:8500/',
    'consul://127.0.0.1:8500/a b',
    'consul://127.0.0.1:8500/a?x=1',
    'consul://user:pw@127.0.0.1:8500/a',
    'consul://host/',
    'consul://127.0.0.1:8500/a#b',
    'consul+https://h:1/a/../b',
    'consul://h:1/a/./b',
    'consul://h:1/..',
    'consul://h:1/a%2f..%2fb',
    'consul://h:1/a/%2e%2e',
    'consul://h:1/%E0%A4%A',
    'consul:/127.0.0.1:8500/a',
    'http://127.0.0.1:8500/prenv/state',
    'https://consul.internal/prenv/state',
  ])('PRENV_STATE=%s is refused with the form it takes', (value) => {
    const result = readRuntimeSettings({ PRENV_STATE: value });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.join('\n')).toMatch(
      /PRENV_STATE must be a file or consul:\/\/host:port\/kv-folder such as consul:\/\/127\.0\.0\.1:8500\/prenv\/aipacto\/state/,
    );
  });

  it.each([
    'consul://user:s3cret-pw@127.0.0.1:8500/a',
    'consul://:s3cret-pw@127.0.0.1:8500/a',
    'consul://s3cret-pw@127.0.0.1:8500/a/../b',
  ])('credentials in PRENV_STATE=%s are refused and not echoed', (value) => {
    const result = readRuntimeSettings({ PRENV_STATE: value });
    expect(result.ok).toBe(false);
    const message = !result.ok && result.errors.join('\n');
    expect(message).toMatch(/PRENV_STATE must be a file or consul:/);
    expect(message).not.toContain('s3cret-pw');
  });

  it.each(['consul://h:1/a..b/c.d', 'consul://h:1/.hidden/x', 'consul://h:1/a/...'])(
    'PRENV_STATE=%s: dots inside a segment are a name, not a step up',
    (value) => {
      const result = readRuntimeSettings({ PRENV_STATE: value });
      expect(result.ok && result.settings).toBeTruthy();
    },
  );

  it.each([
    ['PRENV_LEADER_TTL_MS', '5000', /PRENV_LEADER_TTL_MS must be from 10000 to 86400000/],
    ['PRENV_LEADER_LOCK_DELAY_MS', '61000', /PRENV_LEADER_LOCK_DELAY_MS must be at most 60000/],
  ])('%s=%s is outside what Consul takes', (name, value, message) => {
    const result = readRuntimeSettings({ [name]: value });
    expect(!result.ok && result.errors.join('\n')).toMatch(message);
  });

  it.each([
    ['state: postgres\n', /state\.store/],
    ['state: { store: sqlite, replicas: 2 }\n', /a SQLite state has one writer/],
    ['state: { store: consul, replicas: 4 }\n', /state\.replicas/],
    ['state: { store: consul, prefix: "/abs" }\n', /must be a Consul KV folder/],
    ['state: { store: consul, prefix: "a/../b" }\n', /must be a Consul KV folder/],
    ['state: { store: consul, prefix: ".." }\n', /must be a Consul KV folder/],
    ['state: { store: consul, prefix: "a/." }\n', /must be a Consul KV folder/],
    ['consul: { kv_prefix: "../other" }\n', /consul\.kv_prefix/],
  ])('prenv.yml %s is refused, naming the key', (yml, message) => {
    const result = parseConfig(`${example}${yml}`, 'prenv.yml');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems.map(formatProblem).join('\n')).toMatch(message);
  });
});
