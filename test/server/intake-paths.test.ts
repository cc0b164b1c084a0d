import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore, type SqliteStore } from '../../bot/adapters/store/sqlite-store.js';
import type { StateStore } from '../../bot/adapters/store/state-store.js';
import type { AdmissionContext, IntakeOutcome } from '../../bot/adapters/github/intake-outcome.js';
import { intake } from '../../bot/server/webhook-handler.js';
import { inRepository, prCommentPayload, realPayload } from '../support/webhook-examples.js';

// The SQLite store judges deliveries on its writer thread (`admit`); any other store has them
// judged on the event loop. Both must give every delivery the same outcome and queue the same
// event: each case below goes through both, and the answers are compared.

const CONTEXT: AdmissionContext = {
  secret: 'intake-paths-secret',
  appLogin: 'prenv[bot]',
  repository: 'aipacto/aipacto',
};

const sign = (body: Buffer | string, secret = CONTEXT.secret) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

const opened = inRepository(
  realPayload('pull_request', 'opened', (p) => !(p.pull_request as { draft: boolean }).draft),
  CONTEXT.repository,
);
const withNumber = (n: unknown) => ({
  ...opened,
  pull_request: { ...(opened.pull_request as object), number: n },
});

interface Case {
  name: string;
  event: string;
  body: Buffer;
  signature?: string;
  expected: IntakeOutcome['kind'];
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const CASES: Case[] = [
  { name: 'an opened PR', event: 'pull_request', body: json(opened), expected: 'queued' },
  {
    name: 'a command comment',
    event: 'issue_comment',
    body: json(inRepository(prCommentPayload('/deploy'), CONTEXT.repository)),
    expected: 'queued',
  },
  {
    name: 'a wrong secret',
    event: 'pull_request',
    body: json(opened),
    signature: sign(json(opened), 'another-secret'),
    expected: 'unsigned',
  },
  {
    name: 'a signature of another body',
    event: 'pull_request',
    body: json(opened),
    signature: sign('{}'),
    expected: 'unsigned',
  },
  {
    name: 'a malformed signature',
    event: 'pull_request',
    body: json(opened),
    signature: 'sha256=zz',
    expected: 'unsigned',
  },
  { name: 'an empty body', event: 'pull_request', body: Buffer.alloc(0), expected: 'unsigned' },
  {
    name: 'a body that is no JSON',
    event: 'ping',
    body: Buffer.from('{"a":'),
    expected: 'malformed',
  },
  { name: 'a JSON array', event: 'pull_request', body: json([opened]), expected: 'malformed' },
  { name: 'JSON null', event: 'pull_request', body: Buffer.from('null'), expected: 'malformed' },
  {
    name: 'a PR number GitHub never sends',
    event: 'pull_request',
    body: json(withNumber(-1)),
    expected: 'malformed',
  },
  // JSON is UTF-8 (RFC 8259 §8.1), and @octokit/webhooks-methods checks the signature over
  // the decoded text, as Probot does: bytes that do not decode cannot match it.
  {
    name: 'bytes that are not UTF-8, signed',
    event: 'pull_request',
    body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]),
    expected: 'unsigned',
  },
  {
    name: 'JSON after a byte order mark, signed over the bytes',
    event: 'pull_request',
    body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), json(opened)]),
    expected: 'malformed',
  },
  {
    name: 'another repository',
    event: 'pull_request',
    body: json(inRepository(realPayload('pull_request', 'opened'), 'someone/else')),
    expected: 'ignored',
  },
  {
    name: 'an event prenv does not act on',
    event: 'star',
    body: json(opened),
    expected: 'ignored',
  },
];

let dir: string;
let sqlite: SqliteStore;
let onLoop: SqliteStore;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'prenv-intake-paths-'));
  sqlite = openSqliteStore(path.join(dir, 'writer.db'));
  onLoop = openSqliteStore(path.join(dir, 'loop.db'));
});
afterAll(async () => {
  await sqlite.close();
  await onLoop.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The same store without `admit`: deliveries are judged on the event loop. */
const judgedOnLoop = (): StateStore => ({ ...onLoop, admit: undefined });

async function both(c: Case, id: string) {
  const delivery = {
    id,
    name: c.event,
    signature: c.signature ?? sign(c.body),
    body: c.body,
    receivedAt: 1_000,
  };
  expect(sqlite.admit).toBeTypeOf('function');
  return {
    writer: await intake(sqlite, delivery, CONTEXT),
    loop: await intake(judgedOnLoop(), delivery, CONTEXT),
  };
}

describe('a delivery gets the same outcome judged on the writer thread or on the event loop', () => {
  it.each(CASES)('$name: $expected', async (c) => {
    const { writer, loop } = await both(c, `case-${c.name}`);
    expect(writer.kind).toBe(c.expected);
    expect(writer).toEqual(loop);
  });

  it('queues the same event, once: a second delivery of the same id is a duplicate', async () => {
    const c = CASES[0]!;
    const first = await both(c, 'twice');
    const again = await both(c, 'twice');
    expect(first.writer).toEqual({ kind: 'queued', event: 'pr_opened' });
    expect(again).toEqual({
      writer: { kind: 'duplicate', event: 'pr_opened' },
      loop: { kind: 'duplicate', event: 'pr_opened' },
    });
    const queued = async (store: StateStore) =>
      (await store.pending(1000)).find((d) => d.id === 'twice');
    const fromWriter = await queued(sqlite);
    expect(fromWriter).toMatchObject({ name: 'pr_opened', receivedAt: 1_000 });
    expect(fromWriter).toEqual(await queued(onLoop));
  });

  it('refuses a store that cannot be written on either path, and says the delivery was not queued', async () => {
    const readOnly = openSqliteStore(path.join(dir, 'writer.db'), { readOnly: true });
    try {
      const delivery = { id: 'ro', name: 'pull_request', body: json(opened), receivedAt: 1 };
      const signed = { ...delivery, signature: sign(delivery.body) };
      await expect(intake(readOnly, signed, CONTEXT)).rejects.toThrow(/read only/);
      await expect(intake({ ...readOnly, admit: undefined }, signed, CONTEXT)).rejects.toThrow(
        /read only/,
      );
    } finally {
      await readOnly.close();
    }
  });
});
