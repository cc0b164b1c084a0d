import { deadLetterRows, type DeadLetterRow } from './dead-letters.js';
import { durationMs } from '../../config/duration.js';
import { costReport } from '../../core/cost.js';
import type { EnvRecord, Phase, RunKind, StepRecord } from '../../core/model.js';
import { envName } from '../../core/model.js';
import { parsePrNumber } from '../../core/pr-number.js';
import { holdsSlot, isCapacityBlocked, queueOrder, queuePositions } from '../../core/slots.js';
import type { FixedEnv, ViewInput } from './view-support.js';
import { fixedNodeNames, fixedUrl, iso, previewNodeName, previewUrl } from './view-support.js';

export type StatusTarget = FixedEnv | number;

/**
 * `production`, `staging`, or a pull request as `pr-7`, `pr 7`, `#7` (GitHub's spelling) or
 * `7`; null for anything else (`pr-07`, `PR-7`, `pr7`, `#pr-7`, `prod`…).
 */
export function parseStatusTarget(text: string): StatusTarget | null {
  if (text === 'production' || text === 'staging') return text;
  const number = /^(?:pr-|pr[ \t]+|#)?([^ \t]*)$/.exec(text)?.[1];
  return parsePrNumber(number);
}

/**
 * `prenv status pr-N --json`. Times are ISO strings, durations milliseconds, SHAs full.
 * `queue`, `run`, `failure`, `manualOverride` and `ttl` are null when they do not apply;
 * `ttl.remainingMs` counts down from the last push, open or command (negative: due at next tick).
 */
export interface PrStatus {
  kind: 'pr';
  env: string;
  pr: number;
  phase: Phase;
  url: string;
  pull: {
    title: string;
    author: string;
    branch: string;
    state: 'open' | 'closed';
    merged: boolean;
    draft: boolean;
    fork: boolean;
  };
  headSha: string;
  desiredSha: string | null;
  deployedSha: string | null;
  approvedSha: string | null;
  queue: { position: number; length: number; waitingForCapacity: boolean } | null;
  run: {
    id: string;
    kind: RunKind;
    sha: string | null;
    startedAt: string;
    elapsedMs: number;
  } | null;
  failure: {
    stage: RunKind;
    attempts: number;
    lastError: string;
    failedAt: string;
    nextRetryAt: string | null;
    nextRetryInMs: number | null;
  } | null;
  steps: {
    step: StepRecord['step'];
    sha: string | null;
    startedAt: string;
    endedAt: string | null;
    durationMs: number;
    outcome: StepRecord['outcome'];
  }[];
  manualOverride: { reason: 'destroy_command' | 'idle_ttl'; by: string | null; at: string } | null;
  ttl: { ttlMs: number; lastActivityAt: string; remainingMs: number } | null;
  node: string | null;
  cost: { hourly: number | null; since: string | null; costSoFar: number | null } | null;
  updatedAt: string;
  /** Deliveries about this PR that the bot gave up on (`prenv retry` replays one). */
  deadLetters: DeadLetterRow[];
}

/** `prenv status production|staging --json`; `known: false` when the deployment could not be read. */
export interface FixedStatus {
  kind: FixedEnv;
  env: FixedEnv;
  url: string;
  known: boolean;
  deployedSha: string | null;
  deployedAt: string | null;
  ageMs: number | null;
  servers: string[];
  serverType: string;
  hourly: number | null;
  monthly: number | null;
}

export type EnvStatus = PrStatus | FixedStatus;

export type StatusResult = { ok: true; status: EnvStatus } | { ok: false; message: string };

export function statusView(input: ViewInput, target: StatusTarget): StatusResult {
  const cost = costReport(
    input.config,
    input.world,
    input.now,
    input.prices ? { prices: input.prices } : {},
  );
  if (typeof target !== 'number') {
    const info = input[target];
    const line = cost.envs.find((e) => e.env === target)!;
    const deployedAt = info?.deployedAt ?? null;
    return {
      ok: true,
      status: {
        kind: target,
        env: target,
        url: fixedUrl(input.config, target),
        known: info !== null,
        deployedSha: info?.deployedSha ?? null,
        deployedAt: iso(deployedAt),
        ageMs: deployedAt === null ? null : Math.max(0, input.now - deployedAt),
        servers: fixedNodeNames(input.config, target, info),
        serverType: line.serverType,
        hourly: line.hourly,
        monthly: line.monthly,
      },
    };
  }
  const env = input.world.envs[target];
  if (!env) {
    const dead = deadLetterRows(input.deadLetters ?? []).filter((d) => d.pr === target);
    const note = dead.length
      ? ` ${dead.length} ${dead.length === 1 ? 'delivery' : 'deliveries'} about it failed every attempt: ${dead.map((d) => `\`${d.retry}\` replays ${d.delivery} (${d.lastError})`).join('; ')}.`
      : '';
    return {
      ok: false,
      message: `${envName(target)} has no record: prenv has seen no event for PR #${target}. Run \`prenv deploy pr ${target}\` to create it.${note}`,
    };
  }
  const line = cost.envs.find((e) => e.env === envName(target)) ?? null;
  return { ok: true, status: prStatus(input, env, line) };
}

function prStatus(
  input: ViewInput,
  env: EnvRecord,
  line: ReturnType<typeof costReport>['envs'][number] | null,
): PrStatus {
  const { config, world, now } = input;
  const position = queuePositions(world).get(env.pr);
  const ttlMs = durationMs(config.previews.ttl);
  const ttlApplies =
    (env.phase === 'live' || env.phase === 'failed') &&
    env.manualOverride === null &&
    env.pull.state === 'open';
  const f = env.failure;
  return {
    kind: 'pr',
    env: envName(env.pr),
    pr: env.pr,
    phase: env.phase,
    url: previewUrl(config, env.pr),
    pull: {
      title: env.pull.title,
      author: env.pull.author,
      branch: env.pull.headRef,
      state: env.pull.state,
      merged: env.pull.merged,
      draft: env.pull.draft,
      fork: env.pull.fork,
    },
    headSha: env.pull.headSha,
    desiredSha: env.desiredSha,
    deployedSha: env.deployedSha,
    approvedSha: env.approvedSha,
    queue:
      position === undefined
        ? null
        : {
            position,
            length: queueOrder(world).length,
            waitingForCapacity: isCapacityBlocked(world, now),
          },
    run: env.run && {
      id: env.run.id,
      kind: env.run.kind,
      sha: env.run.sha,
      startedAt: iso(env.run.startedAt)!,
      elapsedMs: Math.max(0, now - env.run.startedAt),
    },
    failure: f && {
      stage: f.stage,
      attempts: f.attempts,
      lastError: f.lastError,
      failedAt: iso(f.failedAt)!,
      nextRetryAt: iso(f.nextRetryAt),
      nextRetryInMs: f.nextRetryAt === null ? null : f.nextRetryAt - now,
    },
    steps: env.steps.map((s) => ({
      step: s.step,
      sha: s.sha,
      startedAt: iso(s.startedAt)!,
      endedAt: iso(s.endedAt),
      durationMs: (s.endedAt ?? now) - s.startedAt,
      outcome: s.outcome,
    })),
    manualOverride: env.manualOverride && {
      ...env.manualOverride,
      at: iso(env.manualOverride.at)!,
    },
    ttl: ttlApplies
      ? {
          ttlMs,
          lastActivityAt: iso(env.lastActivityAt)!,
          remainingMs: env.lastActivityAt + ttlMs - now,
        }
      : null,
    node: holdsSlot(env.phase) ? previewNodeName(config.project, env.pr) : null,
    cost: line && { hourly: line.hourly, since: iso(line.since), costSoFar: line.costSoFar },
    updatedAt: iso(env.updatedAt)!,
    deadLetters: deadLetterRows(input.deadLetters ?? []).filter((d) => d.pr === env.pr),
  };
}
