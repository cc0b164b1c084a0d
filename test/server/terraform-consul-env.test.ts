import { describe, expect, it } from 'vitest';
import { readRuntimeSettings } from '../../bot/server/serve-settings.js';

// environments/pr creates the preview node's Consul ACL token with the consul provider, which
// reads CONSUL_HTTP_ADDR and CONSUL_HTTP_TOKEN: they must be the bot's own Consul settings.
describe("Terraform's Consul settings", () => {
  it('are the bot PRENV_CONSUL_ADDR and PRENV_CONSUL_TOKEN, and the token is redacted', () => {
    const result = readRuntimeSettings({
      PRENV_CONSUL_ADDR: 'http://10.0.1.10:8500',
      PRENV_CONSUL_TOKEN: 'c0ffee00-token',
    });
    if (!result.ok) throw new Error(result.errors.join('\n'));
    expect(result.settings.terraform.env).toMatchObject({
      CONSUL_HTTP_ADDR: 'http://10.0.1.10:8500',
      CONSUL_HTTP_TOKEN: 'c0ffee00-token',
    });
    expect(result.settings.secrets).toContain('c0ffee00-token');
  });

  it('default to the local agent, without a token', () => {
    const result = readRuntimeSettings({});
    if (!result.ok) throw new Error(result.errors.join('\n'));
    expect(result.settings.terraform.env.CONSUL_HTTP_ADDR).toBe('http://127.0.0.1:8500');
    expect(result.settings.terraform.env).not.toHaveProperty('CONSUL_HTTP_TOKEN');
  });
});
