import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DomainEvent } from '../../bot/core/events.js';
import type { RetryPolicy } from '../../bot/core/backoff.js';
import { silentLogger, type Logger } from '../../bot/core/logger.js';
import type { PullRequestRef, RunOwner, World } from '../../bot/core/model.js';
import { planContext } from '../../bot/core/plan-context.js';
import { slotsUsed } from '../../bot/core/slots.js';
import { openSqliteStore } from '../../bot/adapters/store/sqlite-store.js';
import type { StateStore } from '../../bot/adapters/store/state-store.js';
import type { GitHubPort } from '../../bot/adapters/github/github-port.js';
import { Engine, type EngineOptions } from '../../bot/runtime/engine.js';
import { MemoryGitHub } from '../fakes/github/memory-github.js';
import { ScriptedOps } from '../fakes/ops/scripted-ops.js';

export interface Harness {
  engine: Engine;
  store: StateStore;
  /** The SQLite file; a second harness on it plays the restarted process. */
  file: string;
  github: MemoryGitHub;
  ops: ScriptedOps;
  /** Slots held after every saved world, in order. */
  slotLog: number[];
  deliver(id: string, event: DomainEvent): Promise<'queued' | 'duplicate'>;
  world(): Promise<World>;
}

export function pull(
  number: number,
  headSha = `sha-${number}-0`,
  extra: Partial<PullRequestRef> = {},
): PullRequestRef {
  return {
    number,
    headSha,
    headRef: `feature-${number}`,
    baseRef: 'main',
    title: `Change ${number}`,
    author: 'dev',
    draft: false,
    fork: false,
    state: 'open',
    merged: false,
    ...extra,
  };
}

export function createHarness(
  options: {
    cap?: number;
    settleMs?: number;
    mirror?: GitHubPort;
    file?: string;
    queueEditDebounceMs?: number;
    github?: MemoryGitHub;
    logger?: Logger;
    deliveryRetry?: RetryPolicy;
    stopDeferMs?: number;
    /** The prenv command this engine plays (`prenv deploy pr`): runs it starts record it. */
    runner?: RunOwner;
    /** More engine options (a run observer, a logs link). */
    engine?: Pick<EngineOptions, 'runObserver' | 'logsUrl'>;
  } = {},
): Harness {
  const file =
    options.file ?? path.join(mkdtempSync(path.join(tmpdir(), 'prenv-engine-')), 'state.db');
  const store = openSqliteStore(file);
  const github = options.github ?? new MemoryGitHub(options.mirror);
  const ops = new ScriptedOps();
  const slotLog: number[] = [];
  const engine = new Engine({
    store,
    github,
    ops,
    logger: options.logger ?? silentLogger,
    settleMs: options.settleMs ?? 0,
    queueEditDebounceMs: options.queueEditDebounceMs ?? 0,
    deliveryRetry: options.deliveryRetry ?? { baseMs: 5, maxMs: 20, maxAttempts: 3 },
    reportRetry: { baseMs: 5, maxMs: 20, maxAttempts: 4 },
    holdRecheckMs: 5,
    ...(options.stopDeferMs !== undefined ? { stopDeferMs: options.stopDeferMs } : {}),
    context: () =>
      planContext({
        now: Date.now(),
        cap: options.cap ?? 15,
        previewUrl: (pr) => `https://pr-${pr}.pr.example.com`,
        ...(options.runner ? { runner: options.runner } : {}),
      }),
    onWorld: (world) => slotLog.push(slotsUsed(Object.values(world.envs))),
    ...options.engine,
  });
  return {
    engine,
    store,
    file,
    github,
    ops,
    slotLog,
    deliver: (id, event) =>
      store.enqueue({ id, name: event.kind, payload: event, receivedAt: Date.now() }),
    world: async () => (await store.loadWorld()).world,
  };
}

export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
