import { describe, expect, it } from 'vitest';
import { Progress } from '../../bot/cli/deploy/progress.js';
import { progressLogger } from '../../bot/cli/progress.js';

function progressOn(tty: boolean, secrets?: string[]) {
  const out: string[] = [];
  let now = 1_000;
  const progress = new Progress({
    write: (text) => out.push(text),
    tty,
    now: () => now,
    ...(secrets ? { secrets } : {}),
  });
  return { out, progress, tick: (ms: number) => (now += ms) };
}

describe('Progress: the one renderer of a long command’s steps', () => {
  it('on a terminal, writes each finished step with its time, as README.md shows', () => {
    const { out, progress, tick } = progressOn(true);
    progress.start('terraform plan pr-7');
    tick(1_234);
    progress.start('nomad plan web.nomad.hcl');
    tick(50);
    progress.endAll('failed');
    expect(out).toEqual(['✔ terraform plan pr-7 (1.2s)\n', '✖ nomad plan web.nomad.hcl (0.1s)\n']);
  });

  it('elsewhere, writes a plain line as each step starts', () => {
    const { out, progress } = progressOn(false);
    progress.start('terraform plan pr-7');
    progress.endAll('ok');
    expect(out).toEqual(['step terraform plan pr-7\n']);
  });

  it('writes warnings at once, on a terminal too', () => {
    const { out, progress } = progressOn(true);
    progress.start('listing Hetzner servers');
    progress.warn('Nomad did not answer');
    expect(out).toEqual(['warning: Nomad did not answer\n']);
  });

  it('never writes a secret it was given', () => {
    const token = 'hcloud-token-0123456789abcdef';
    for (const tty of [true, false]) {
      const { out, progress } = progressOn(tty, [token]);
      progress.start(`calling with ${token}`);
      progress.warn(`refused ${token}`);
      progress.endAll('ok');
      expect(out.join('')).not.toContain(token);
      expect(out.join('')).toContain('[REDACTED]');
    }
  });

  it('carries info logs as steps and warnings as warnings', () => {
    const { out, progress } = progressOn(false);
    const logger = progressLogger(progress).child({ pr: 7 });
    logger.info('terraform apply pr-7');
    logger.warn('retrying', { error: 'HTTP 502' });
    expect(out).toEqual([
      'step pr-7: terraform apply pr-7\n',
      'warning: pr-7: retrying: HTTP 502\n',
    ]);
  });
});
