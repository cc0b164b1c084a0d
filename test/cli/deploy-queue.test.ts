import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { repoRoot } from '../support/tools.js';
import { startTryItStack, type TryItStack } from '../../scripts/local-stack-env.js';
import { runCli } from './run-cli.js';

const SHA = '3f2c9a1';
let tryIt: TryItStack;
const cli = (...args: string[]) =>
  runCli(['--config', tryIt.configFile, ...args], {
    env: { PATH: process.env.PATH, USER: 'alice', ...tryIt.env },
  });

beforeAll(async () => {
  const doc = parseDocument(
    readFileSync(path.join(repoRoot, 'examples/aipacto/prenv.yml'), 'utf8'),
  );
  doc.setIn(['previews', 'max'], 1);
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'prenv-queue-')), 'prenv.yml');
  writeFileSync(file, doc.toString());
  tryIt = await startTryItStack({ configFile: file });
}, 60_000);
afterAll(async () => {
  await tryIt?.stop();
});

describe('prenv deploy pr when the cap is reached', () => {
  it('queues, says where, and starts the next PR when a destroy frees the slot', async () => {
    expect((await cli('deploy', 'pr', '7', '--sha', SHA)).code).toBe(0);

    const queued = await cli('deploy', 'pr', '8', '--sha', SHA);
    expect(queued).toEqual({
      code: 4,
      stdout: '',
      stderr:
        'prenv: pr-8 is queued at position 1 of 1: the cap of 1 environment is reached. ' +
        'It starts when a slot frees up (the bot starts it, or run this command again).\n',
    });
    const json = await cli('deploy', 'pr', '9', '--sha', SHA, '--json');
    expect(json.code).toBe(4);
    expect(JSON.parse(json.stdout)).toMatchObject({
      env: 'pr-9',
      outcome: 'queued',
      queue: {
        position: 2,
        length: 2,
        atCapacity: false,
        reason: 'the cap of 1 environment is reached',
        blockedUntil: null,
      },
      steps: [],
    });

    const destroy = await cli('destroy', 'pr', '7');
    expect(destroy.code).toBe(0);
    expect(destroy.stderr).toMatch(/^step terraform destroy pr-7$/m);
    expect(destroy.stderr).toMatch(/^step pr-8: terraform apply pr-8$/m);
    expect(destroy.stderr).toMatch(/^step pr-8: requesting pr-8\.pr\.aipacto\.com through Caddy$/m);
    expect(await tryIt.stack.get('pr-8.pr.aipacto.com')).toEqual({
      status: 200,
      body: `aipacto-pr-8-web ${SHA}`,
    });
    expect(await tryIt.stack.cloud.servers()).toEqual([8]);

    const queuedDestroy = await cli('destroy', 'pr', '9');
    expect(queuedDestroy).toMatchObject({ code: 0, stdout: 'pr-9 is destroyed\n', stderr: '' });
    expect((await cli('destroy', 'pr', '8')).code).toBe(0);
    expect(await tryIt.stack.cloud.servers()).toEqual([]);
  }, 90_000);

  it('says in --json, as in its text, that Hetzner refused servers and until when', async () => {
    const refused = await runCli(
      ['--config', tryIt.configFile, 'deploy', 'pr', '12', '--sha', SHA],
      {
        env: {
          PATH: process.env.PATH,
          USER: 'alice',
          ...tryIt.env,
          PRENV_FAKE_TF_FAIL: 'resource_limit_exceeded',
        },
      },
    );
    expect(refused.code).not.toBe(0);
    const text = await cli('deploy', 'pr', '37', '--sha', SHA);
    expect(text.code).toBe(4);
    const reason = /: (Hetzner refused new servers [^\n]*? after (\S+))\. It starts/.exec(
      text.stderr,
    );
    expect(reason, text.stderr).not.toBeNull();
    const json = await cli('deploy', 'pr', '37', '--sha', SHA, '--json');
    expect(json.code).toBe(4);
    const out = JSON.parse(json.stdout) as { queue: Record<string, unknown>; error: unknown };
    expect(out.queue).toMatchObject({
      atCapacity: true,
      reason: reason![1],
      blockedUntil: reason![2],
    });
    expect(Date.parse(String(out.queue.blockedUntil))).toBeGreaterThan(Date.now());
    for (const pr of ['37', '12']) expect((await cli('destroy', 'pr', pr)).code).toBe(0);
  }, 90_000);
});
