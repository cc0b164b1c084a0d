import { describe, expect, it } from 'vitest';
import { formatProblem, parseConfig } from '../../bot/config/load.js';

const base = (extra: string) => `project: shop
github: { owner: acme, repo: shop }
domain: shop.example.com
${extra}
services:
  web: { image: "acme/web:1", port: 8080 }
`;

function problems(text: string): string[] {
  const result = parseConfig(text, 'prenv.yml');
  return result.ok ? [] : result.problems.map(formatProblem);
}

describe('config keys used by the generators', () => {
  it('accepts a Consul KV folder as consul.kv_prefix', () => {
    expect(problems(base('consul: { kv_prefix: apps/shop }'))).toEqual([]);
  });

  it('refuses a kv_prefix that could escape a Consul KV path or a template', () => {
    expect(problems(base('consul: { kv_prefix: "apps/${x}" }'))).toEqual([
      'prenv.yml:4:22: consul.kv_prefix: must be a Consul KV folder such as "apps/aipacto" (letters, digits, ".", "_", "-", "/"; no "." or ".." segment)',
    ]);
  });

  it('accepts hetzner.ssh_allowed_cidrs and refuses what is not a CIDR block', () => {
    expect(problems(base('hetzner: { ssh_allowed_cidrs: [203.0.113.4/32] }'))).toEqual([]);
    expect(problems(base('hetzner: { ssh_allowed_cidrs: [anywhere] }'))).toEqual([
      'prenv.yml:4:32: hetzner.ssh_allowed_cidrs.0: must be an IPv4 CIDR block such as 203.0.113.4/32',
    ]);
  });
});
