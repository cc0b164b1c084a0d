import { describe, expect, it } from 'vitest';
import { readRuntimeSettings } from '../../bot/wiring/settings.js';

describe('PRENV_* settings', () => {
  it.each([
    ['PRENV_NOMAD_ADDR', (s: Settings) => s.nomad.url, 'http://127.0.0.1:4646'],
    ['PRENV_CONSUL_ADDR', (s: Settings) => s.consul.url, 'http://127.0.0.1:8500'],
    ['PRENV_CADDY_ADMIN', (s: Settings) => s.caddyAdminUrl, 'http://127.0.0.1:2019'],
    ['PRENV_STATE', (s: Settings) => s.statePath, '.prenv/state.db'],
    ['PRENV_NOMAD_TOKEN', (s: Settings) => s.nomad.token, undefined],
    ['PRENV_SETTLE_MS', (s: Settings) => s.settleMs, 2000],
  ] as const)(
    'an empty %s counts as unset (a CI secret that is not defined)',
    (name, get, expected) => {
      const result = readRuntimeSettings({ [name]: '' });
      if (!result.ok) throw new Error(result.errors.join('\n'));
      expect(get(result.settings)).toBe(expected);
    },
  );
});

type Settings = Extract<ReturnType<typeof readRuntimeSettings>, { ok: true }>['settings'];
