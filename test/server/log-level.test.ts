import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLogLevel } from '../../bot/server/log-level.js';
import { runCli } from '../cli/run-cli.js';
import { AIPACTO_YML } from '../cli/views/view-fixtures.js';

describe('PRENV_LOG_LEVEL', () => {
  it.each([
    [undefined, 'info'],
    ['', 'info'],
    ['debug', 'debug'],
    ['info', 'info'],
    ['warn', 'warn'],
    ['error', 'error'],
    ['DEBUG', 'debug'],
    [' Warn ', 'warn'],
  ])('%j is level %s', (raw, level) => {
    expect(readLogLevel({ PRENV_LOG_LEVEL: raw })).toEqual({ ok: true, level });
  });

  it.each(['verbose', 'trace', 'warning', 'fatal', '1', 'info,debug'])(
    '%j is an error naming the allowed values',
    (raw) => {
      expect(readLogLevel({ PRENV_LOG_LEVEL: raw })).toEqual({
        ok: false,
        error: `PRENV_LOG_LEVEL must be one of debug, info, warn, error, got "${raw}"`,
      });
    },
  );

  it('stops `prenv serve` before it listens, with the other setting errors', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'prenv-log-level-'));
    writeFileSync(path.join(dir, 'prenv.yml'), AIPACTO_YML);
    const run = await runCli(['serve', '--port', '0'], {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        PRENV_WEBHOOK_SECRET: 'a-long-enough-secret',
        PRENV_GITHUB_TOKEN: 'ghp_x',
        PRENV_LOG_LEVEL: 'verbose',
        PRENV_RECONCILE: 'off',
      },
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('cannot start the bot:');
    expect(run.stderr).toContain(
      '  - PRENV_LOG_LEVEL must be one of debug, info, warn, error, got "verbose"',
    );
  });
});
