import { generateKeyPairSync } from 'node:crypto';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { githubAuthFromEnv } from '../../bot/adapters/github/github-auth.js';
import { readRuntimeSettings, readServeSettings } from '../../bot/wiring/settings.js';
import { repoRoot } from '../support/tools.js';
import { runCli } from '../cli/run-cli.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pkcs1 = rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const pkcs8 = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();
const publicKey = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const lines = pkcs1.trim().split('\n');

const base = {
  PRENV_APP_ID: '12345',
  PRENV_INSTALLATION_ID: '42',
  PRENV_WEBHOOK_SECRET: 'long-enough-secret',
};

describe('a GitHub App private key is checked when prenv reads it', () => {
  it.each([
    ['PKCS#1, as GitHub hands it out', pkcs1],
    ['PKCS#8', pkcs8],
    ['one line with \\n escapes', pkcs1.replace(/\n/g, '\\n')],
  ])('accepts %s', (_name, key) => {
    const auth = githubAuthFromEnv({ ...base, PRENV_PRIVATE_KEY: key });
    expect(auth).toMatchObject({ mode: 'app', appId: '12345', installationId: 42 });
    expect(readServeSettings({ ...base, PRENV_PRIVATE_KEY: key }).ok).toBe(true);
  });

  it.each([
    ['a file name instead of the key', 'app.private-key.pem', /not a PEM private key/],
    ['a key cut short', lines.slice(0, 6).join('\n'), /not a PEM private key/],
    ['a key without its BEGIN line', lines.slice(1).join('\n'), /not a PEM private key/],
    ['the public key', publicKey, /not a PEM private key/],
    ['an EC key', ec, /is a ec key; GitHub Apps sign with RSA/],
  ])('refuses %s, with the fix', (_name, key, reason) => {
    const auth = githubAuthFromEnv({ ...base, PRENV_PRIVATE_KEY: key });
    expect('error' in auth && auth.error).toMatch(reason);
    const serve = readServeSettings({ ...base, PRENV_PRIVATE_KEY: key });
    expect(serve.ok).toBe(false);
    if (serve.ok) return;
    expect(serve.errors).toHaveLength(1);
    expect(serve.errors[0]).toMatch(/PRENV_PRIVATE_KEY/);
    expect(serve.errors[0]).toMatch(/generate a new one|the \.pem file GitHub generated/);
    if (key.length > 80) expect(serve.errors[0]).not.toContain(key.slice(40, 80));
    // The CLI's commands read the same settings: a wrong key is not "no credentials".
    const cli = readRuntimeSettings({ ...base, PRENV_PRIVATE_KEY: key });
    expect(cli.ok).toBe(false);
  });

  it('is what `prenv deploy pr` reports, not the --sha it then lacks', async () => {
    const run = await runCli(['deploy', 'pr', '7', '--config', 'examples/aipacto/prenv.yml'], {
      env: { ...base, PRENV_PRIVATE_KEY: 'app.private-key.pem' },
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^prenv: cannot run: PRENV_PRIVATE_KEY is not a PEM private key/);
  });

  it('stops `prenv serve` at start with the fix, before it listens', async () => {
    const result = await execa(
      'node',
      [
        path.join(repoRoot, 'bin/prenv.js'),
        'serve',
        '--config',
        'examples/aipacto/prenv.yml',
        '--port',
        '0',
      ],
      {
        cwd: repoRoot,
        env: { PATH: process.env.PATH, ...base, PRENV_PRIVATE_KEY: lines.slice(0, 6).join('\n') },
        extendEnv: false,
        reject: false,
        timeout: 15_000,
      },
    );
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(
      /^prenv: cannot start the bot:\n {2}- PRENV_PRIVATE_KEY is not a PEM private key/,
    );
    expect(result.stderr).not.toContain('"msg":"listening"');
  });
});
