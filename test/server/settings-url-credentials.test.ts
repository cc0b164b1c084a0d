import { describe, expect, it } from 'vitest';
import { readRuntimeSettings } from '../../bot/wiring/settings.js';

// An API address with a user or password in it: fetch refuses to send such a request, and the
// error that named the address printed the password. The address is refused at start, by
// name, and the credentials never appear in the message.

const SECRET = 'hunter2pw';

describe('credentials in an API address', () => {
  it.each([
    ['PRENV_NOMAD_ADDR', `http://admin:${SECRET}@127.0.0.1:4646`],
    ['PRENV_CONSUL_ADDR', `https://${SECRET}@consul.internal:8501`],
    ['PRENV_STAGING_NOMAD_ADDR', `http://:${SECRET}@10.0.0.2:4646`],
    ['PRENV_CADDY_ADMIN', `http://a:${SECRET}@127.0.0.1:2019`],
    ['PRENV_GITHUB_API_URL', `https://x-access-token:${SECRET}@api.github.com`],
    ['PRENV_HCLOUD_API_URL', `https://t:${SECRET}@api.hetzner.cloud/v1`],
    ['PRENV_NOMAD_ADDR', `ftp://admin:${SECRET}@127.0.0.1:4646`],
    ['PRENV_CONSUL_ADDR', `http://admin:${SECRET}@[bad`],
  ])('%s=%s is refused without echoing the password', (name, value) => {
    const result = readRuntimeSettings({ [name]: value });
    expect(result.ok).toBe(false);
    const message = !result.ok ? result.errors.join('\n') : '';
    expect(message).toContain(name);
    expect(message).not.toContain(SECRET);
  });

  it('an address without credentials is taken', () => {
    const result = readRuntimeSettings({ PRENV_NOMAD_ADDR: 'http://127.0.0.1:4646' });
    expect(result.ok).toBe(true);
  });
});
