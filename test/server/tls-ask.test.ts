import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../bot/config/load.js';
import { emptyWorld, newEnv, type Phase, type World } from '../../bot/core/model.js';
import { allowCertificateFor } from '../../bot/server/live-hosts.js';
import { pull } from '../core/fixtures.js';
import { repoRoot } from '../support/tools.js';

const file = path.join(repoRoot, 'examples/aipacto/prenv.yml');
const config = loadConfigOrThrow(readFileSync(file, 'utf8'), file);

function world(phases: Record<number, Phase>): World {
  const w = emptyWorld();
  for (const [pr, phase] of Object.entries(phases))
    w.envs[Number(pr)] = { ...newEnv(pull(Number(pr)), 0), phase };
  return w;
}

const allow = allowCertificateFor(
  config,
  async () => world({ 72: 'live', 8: 'queued', 9: 'failed', 10: 'destroying', 11: 'deploying' }),
  ['prenv.aipacto.com'],
);

describe('/tls/ask allows only the exact host of a live environment', () => {
  it.each([
    'pr-72.pr.aipacto.com',
    'PR-72.PR.AIPACTO.COM',
    'pr-72.pr.aipacto.com.',
    'pr-11.pr.aipacto.com',
    'aipacto.com',
    'AIPACTO.COM.',
    'staging.aipacto.com',
    'Staging.Aipacto.Com.',
    'prenv.aipacto.com',
    'PRENV.aipacto.com.',
  ])('allows %s', async (host) => {
    expect(await allow(host)).toBe(true);
  });

  it.each([
    ['a leading zero', 'pr-072.pr.aipacto.com'],
    ['two leading zeros', 'pr-0072.pr.aipacto.com'],
    ['a plus sign', 'pr-+72.pr.aipacto.com'],
    ['an exponent', 'pr-7.2e1.pr.aipacto.com'],
    ['a decimal', 'pr-72.0.pr.aipacto.com'],
    ['hexadecimal', 'pr-0x48.pr.aipacto.com'],
    ['other digits', 'pr-٧٢.pr.aipacto.com'],
    ['full-width digits', 'pr-７２.pr.aipacto.com'],
    ['two trailing dots', 'pr-72.pr.aipacto.com..'],
    ['a port', 'pr-72.pr.aipacto.com:443'],
    ['a leading space', ' pr-72.pr.aipacto.com'],
    ['a trailing newline', 'pr-72.pr.aipacto.com\n'],
    ['a sub-domain of the host', 'x.pr-72.pr.aipacto.com'],
    ['another domain', 'pr-72.pr.aipacto.com.evil.example'],
    ['a queued environment', 'pr-8.pr.aipacto.com'],
    ['a failed environment', 'pr-9.pr.aipacto.com'],
    ['an environment being destroyed', 'pr-10.pr.aipacto.com'],
    ['no environment', 'pr-73.pr.aipacto.com'],
    ['PR 0', 'pr-0.pr.aipacto.com'],
    ['a huge number', `pr-${'9'.repeat(30)}.pr.aipacto.com`],
    ['a sub-domain of production', 'www.aipacto.com'],
    ['an IDN lookalike (Cyrillic о)', 'pr-72.pr.aipact\u043e.com'],
    ['punycode', 'xn--pr-72-.pr.aipacto.com'],
    ['an ideographic full stop', 'pr-72.pr.aipacto\u3002com'],
    ['a minus sign for the hyphen', 'pr\u221272.pr.aipacto.com'],
    ['a percent-encoded dot (as sent)', 'pr-72.pr.aipacto%2ecom'],
    ['a zero-width space', 'pr-72.pr.aipacto.com\u200b'],
    ['a sub-domain of staging', 'x.staging.aipacto.com'],
    ['the empty string', ''],
    ['a dot alone', '.'],
  ])('refuses %s', async (_label, host) => {
    expect(await allow(host)).toBe(false);
  });
});

describe('/tls/ask folds the case of ASCII letters only', () => {
  // U+212A KELVIN SIGN lowercases to an ASCII "k" in JavaScript: with a host holding a "k", a
  // name Let's Encrypt would never issue for must not be taken for it.
  const kiwi = {
    ...config,
    previews: { ...config.previews, host: 'pr-{{number}}.pk.kiwi.example' },
    environments: {
      production: { ...config.environments.production, host: 'kiwi.example' },
      staging: { ...config.environments.staging, host: 'staging.kiwi.example' },
    },
  };
  const allowKiwi = allowCertificateFor(kiwi, async () => world({ 72: 'live' }));

  it.each(['kiwi.example', 'KIWI.example', 'pr-72.pk.kiwi.example', 'PR-72.PK.KIWI.EXAMPLE.'])(
    'allows %s',
    async (host) => expect(await allowKiwi(host)).toBe(true),
  );

  it.each(['\u212Aiwi.example', 'pr-72.p\u212A.kiwi.example', 'staging.\u212Aiwi.example'])(
    'refuses %s',
    async (host) => expect(await allowKiwi(host)).toBe(false),
  );
});
