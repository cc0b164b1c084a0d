import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

/** An `ssh` that records its arguments and exits with `code`. */
function fakeSsh(code = 0): { bin: string; args: () => string[] } {
  const dir = mkdtempSync(path.join(tmpdir(), 'prenv-ssh-'));
  const bin = path.join(dir, 'ssh');
  const log = path.join(dir, 'args');
  writeFileSync(bin, `#!/bin/sh\nfor a in "$@"; do echo "$a"; done > ${log}\nexit ${code}\n`, {
    mode: 0o755,
  });
  return { bin, args: () => readFileSync(log, 'utf8').trim().split('\n') };
}

describe('prenv tunnel', () => {
  it('runs ssh with the staging forwards and prints the variables to use', async () => {
    const ssh = fakeSsh();
    const run = await runCli(['tunnel', 'staging', '--ssh', 'root@203.0.113.20'], {
      env: { PATH: process.env.PATH, PRENV_SSH_BIN: ssh.bin },
    });
    expect(run.code).toBe(0);
    expect(ssh.args()).toEqual([
      '-N',
      '-o',
      'ExitOnForwardFailure=yes',
      '-o',
      'ServerAliveInterval=30',
      '-o',
      'ServerAliveCountMax=3',
      '-L',
      '127.0.0.1:14646:127.0.0.1:4646',
      '-L',
      '127.0.0.1:18500:127.0.0.1:8500',
      '-L',
      '127.0.0.1:12019:caddy-admin.service.consul:2019',
      '--',
      'root@203.0.113.20',
    ]);
    expect(run.stderr).toContain('export PRENV_STAGING_NOMAD_ADDR=http://127.0.0.1:14646');
    expect(run.stderr).toContain('export PRENV_STAGING_CADDY_ADMIN=http://127.0.0.1:12019');
  });

  it('takes the production server from PRENV_SSH, and --print prints instead of running', async () => {
    const run = await runCli(['tunnel', 'production', '--print'], {
      env: { PATH: process.env.PATH, PRENV_SSH: 'root@203.0.113.10' },
    });
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')).toEqual([
      'ssh -N -o ExitOnForwardFailure=yes -o ServerAliveInterval=30 -o ServerAliveCountMax=3 -L 127.0.0.1:4646:127.0.0.1:4646 -L 127.0.0.1:8500:127.0.0.1:8500 -L 127.0.0.1:2019:caddy-admin.service.consul:2019 -- root@203.0.113.10',
      'export PRENV_NOMAD_ADDR=http://127.0.0.1:4646',
      'export PRENV_CONSUL_ADDR=http://127.0.0.1:8500',
      'export PRENV_CADDY_ADMIN=http://127.0.0.1:2019',
      '',
    ]);
  });

  it.each([
    [['tunnel', 'pr-7', '--ssh', 'root@h'], 'prenv tunnel takes production or staging, got "pr-7"'],
    [['tunnel', 'staging'], 'pass --ssh root@<address> or set PRENV_STAGING_SSH'],
    [['tunnel', 'staging', '--ssh', '-oProxyCommand=x'], '--ssh must be user@host or host'],
    [['tunnel', 'staging', '--ssh', 'root@h; rm -rf /'], '--ssh must be user@host or host'],
    [['tunnel', 'production'], 'PRENV_SSH must be user@host or host', { PRENV_SSH: '-oX=y' }],
    [['tunnel', 'staging'], 'PRENV_STAGING_SSH must be user@host', { PRENV_STAGING_SSH: 'a b' }],
  ])('%j is a usage error: %s', async (args, message, env: Record<string, string> = {}) => {
    const run = await runCli(args, { env: { PATH: process.env.PATH, ...env } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });

  it.each([
    ['no ssh on PATH', { PATH: '/nonexistent' }, /cannot run ssh: it is not on PATH/],
    [
      'a PRENV_SSH_BIN that is not there',
      { PATH: process.env.PATH, PRENV_SSH_BIN: '/nonexistent/ssh' },
      /cannot run PRENV_SSH_BIN=\/nonexistent\/ssh/,
    ],
  ])('with %s, fails before printing the forwards it would make', async (_what, env, message) => {
    const run = await runCli(['tunnel', 'production', '--ssh', '203.0.113.10'], {
      env: env as Record<string, string>,
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toContain('forwarding');
    expect(run.stderr).not.toContain('export ');
  });

  it('says the tunnel ended, and why to look, when ssh fails', async () => {
    const ssh = fakeSsh(255);
    const run = await runCli(['tunnel', 'production', '--ssh', '203.0.113.10'], {
      env: { PATH: process.env.PATH, PRENV_SSH_BIN: ssh.bin },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('the production tunnel ended (ssh exit 255)');
  });
});
