import { describe, expect, it } from 'vitest';
import { readRuntimeSettings } from '../../bot/wiring/settings.js';

/** The bot's deploys of staging on push reach staging's own cluster through PRENV_STAGING_*. */
describe('PRENV_STAGING_* settings of the bot', () => {
  const read = (env: Record<string, string>) => {
    const result = readRuntimeSettings(env);
    if (!result.ok) throw new Error(result.errors.join('\n'));
    return result.settings;
  };

  it('are absent without PRENV_STAGING_NOMAD_ADDR: staging is reached like production', () => {
    expect(read({ PRENV_STAGING_CONSUL_ADDR: 'http://10.1.0.2:8500' }).stagingCluster).toBe(
      undefined,
    );
  });

  it('name staging’s Nomad, Consul and Caddy, with defaults for what is not set', () => {
    expect(read({ PRENV_STAGING_NOMAD_ADDR: 'http://10.1.0.2:4646' }).stagingCluster).toEqual({
      nomad: { url: 'http://10.1.0.2:4646' },
      consul: { url: 'http://127.0.0.1:8500' },
      caddyAdminUrl: 'http://127.0.0.1:2019',
    });
    const full = read({
      PRENV_STAGING_NOMAD_ADDR: 'http://10.1.0.2:4646',
      PRENV_STAGING_NOMAD_TOKEN: 'staging-nomad-token',
      PRENV_STAGING_CONSUL_ADDR: 'http://10.1.0.2:8500',
      PRENV_STAGING_CONSUL_TOKEN: 'staging-consul-token',
      PRENV_STAGING_CADDY_ADMIN: 'http://10.1.0.2:2019',
      PRENV_STAGING_CADDY_HTTP: 'http://10.1.0.2:80',
    });
    expect(full.stagingCluster).toEqual({
      nomad: { url: 'http://10.1.0.2:4646', token: 'staging-nomad-token' },
      consul: { url: 'http://10.1.0.2:8500', token: 'staging-consul-token' },
      caddyAdminUrl: 'http://10.1.0.2:2019',
      caddyHttpUrl: 'http://10.1.0.2:80',
    });
    // Tokens are secrets: redacted from every log line and comment.
    expect(full.secrets).toEqual(
      expect.arrayContaining(['staging-nomad-token', 'staging-consul-token']),
    );
  });

  it('refuses an address that is not an http(s) URL, naming the variable', () => {
    const result = readRuntimeSettings({ PRENV_STAGING_NOMAD_ADDR: '10.1.0.2:4646' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.join('\n')).toContain('PRENV_STAGING_NOMAD_ADDR must be an http(s) URL');
  });

  it.each([
    ['PRENV_NOMAD_ADDR', 'such as http://127.0.0.1:4646,'],
    ['PRENV_CONSUL_ADDR', 'such as http://127.0.0.1:8500,'],
    ['PRENV_CADDY_ADMIN', 'such as http://127.0.0.1:2019,'],
    ['PRENV_CADDY_HTTP', 'such as http://127.0.0.1:80, or dns,'],
    ['PRENV_STAGING_CADDY_HTTP', 'such as http://127.0.0.1:80, or dns,'],
    ['PRENV_STAGING_CONSUL_ADDR', 'such as http://127.0.0.1:18500,'],
    ['PRENV_GITHUB_API_URL', 'such as https://api.github.com,'],
  ])('gives %s an example of its own when it is not a URL', (name, example) => {
    const result = readRuntimeSettings({ PRENV_STAGING_NOMAD_ADDR: 'http://x:1', [name]: 'nope' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toContain(`${name} must be an http(s) URL ${example} got "nope"`);
  });
});
