import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/tools.js';
import { runCli } from './run-cli.js';

// Whatever a command echoes (an argument, an address, a tool's error), the value of a
// credential prenv reads never reaches stdout or stderr, in text or in --json.

const example = readFileSync(path.join(repoRoot, 'examples/aipacto/prenv.yml'), 'utf8');
let dir = '';

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'prenv-redaction-'));
  writeFileSync(path.join(dir, 'prenv.yml'), example);
});

const SECRET = 's3cr3t-VALUE-0123456789';

describe('credentials in command output', () => {
  it.each([
    'PRENV_HCLOUD_TOKEN',
    'HCLOUD_TOKEN',
    'PRENV_GITHUB_TOKEN',
    'PRENV_NOMAD_TOKEN',
    'PRENV_CONSUL_TOKEN',
    'PRENV_STAGING_NOMAD_TOKEN',
    'PRENV_STAGING_CONSUL_TOKEN',
    'AWS_SECRET_ACCESS_KEY',
    'PRENV_WEBHOOK_SECRET',
  ])('%s is redacted from an error that echoes it, in text and --json', async (name) => {
    const env = { PATH: process.env.PATH, [name]: SECRET };
    for (const json of [[], ['--json']]) {
      const run = await runCli(['status', `pr-${SECRET}`, ...json], { cwd: dir, env });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('[REDACTED]');
      expect(`${run.stdout}${run.stderr}`).not.toContain(SECRET);
      if (json.length > 0) expect(JSON.parse(run.stdout)).toMatchObject({ ok: false });
    }
  });

  it("is redacted from doctor's details (an API address that carries the token)", async () => {
    const run = await runCli(['doctor', '--json'], {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        PRENV_HCLOUD_TOKEN: SECRET,
        PRENV_HCLOUD_API_URL: `http://127.0.0.1:1/v1?token=${SECRET}`,
        PRENV_NOMAD_ADDR: 'http://127.0.0.1:1',
        PRENV_CONSUL_ADDR: 'http://127.0.0.1:1',
        PRENV_CADDY_ADMIN: 'http://127.0.0.1:1',
      },
    });
    expect(run.stdout).toContain('[REDACTED]');
    expect(`${run.stdout}${run.stderr}`).not.toContain(SECRET);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: false });
  });
});
