import type { Config } from '../../config/config.js';
import { costReport, previewServerPrice } from '../../core/cost.js';
import {
  monthCost,
  slotBuckets,
  type MonthCost,
  type SlotBucket,
  type SlotSample,
} from '../../core/slot-history.js';
import { shortSha, type Phase, type StepRecord, type World } from '../../core/model.js';
import { queueOrder, slotsUsed } from '../../core/slots.js';
import type { RunRecord } from './run-log.js';

export interface EnvRow {
  /** `production`, `staging` or `pr-N`. */
  name: string;
  pr: number | null;
  /** The env's phase; null for production and staging, which the CLI deploys (not tracked here). */
  state: Phase | null;
  url: string;
  /** Short SHA deployed (PR envs), null when none. */
  commit: string | null;
  ageMs: number | null;
  serverType: string;
  /** € per hour for all the env's servers; null when the price table lacks the type. */
  eurPerHour: number | null;
  /** The newest step of this env's cycle, with the run page of its PR. */
  lastRun: { step: StepRecord['step']; outcome: StepRecord['outcome']; at: number } | null;
  /** Protected previews: the token that lets CI and webhooks through (signed-in readers only). */
  bypassToken: string | null;
}

export interface QueueRow {
  position: number;
  pr: number;
  title: string;
  waitingMs: number;
}

export interface DashboardView {
  project: string;
  repository: string;
  now: number;
  envs: EnvRow[];
  queue: QueueRow[];
  slots: { used: number; cap: number };
  /** Peak slots used per hour over the last 7 days. */
  slotHistory: SlotBucket[];
  /** This month's cost of the PR envs; null when the price table lacks their server type. */
  month: MonthCost | null;
  runs: RunRecord[];
}

/**
 * What the dashboard shows, from the world, the config, the kept runs and the slot samples
 * since the month's start or 8 days back (`slotSamplesKeepSince`); the costs come from
 * `costReport` (Hetzner's prices), the queue order from `queueOrder` (the planner's FIFO).
 */
export function dashboardView(
  config: Config,
  world: World,
  runs: RunRecord[],
  now: number,
  bypassToken?: (pr: number) => string,
  samples: readonly SlotSample[] = [],
): DashboardView {
  const report = costReport(config, world, now);
  const previewUrl = (pr: number) =>
    `https://${config.previews.host.replace(/\{\{number\}\}/g, String(pr))}`;
  const envs = report.envs.map((cost): EnvRow => {
    const env = cost.pr === null ? undefined : world.envs[cost.pr];
    const last = env?.steps.at(-1);
    return {
      name: cost.env,
      pr: cost.pr,
      state: cost.phase,
      url:
        cost.pr === null
          ? `https://${config.environments[cost.kind as 'production' | 'staging'].host}`
          : previewUrl(cost.pr),
      commit: env ? shortSha(env.deployedSha) : null,
      ageMs: cost.ageMs,
      serverType: cost.serverType,
      eurPerHour: cost.hourly,
      bypassToken: cost.pr !== null && bypassToken ? bypassToken(cost.pr) : null,
      lastRun: last
        ? { step: last.step, outcome: last.outcome, at: last.endedAt ?? last.startedAt }
        : null,
    };
  });
  const queue = queueOrder(world).map((env, i) => ({
    position: i + 1,
    pr: env.pr,
    title: env.pull.title,
    waitingMs: now - (env.ticket?.enqueuedAt ?? env.updatedAt),
  }));
  const used = slotsUsed(Object.values(world.envs));
  const price = previewServerPrice(config);
  return {
    project: config.project,
    repository: `${config.github.owner}/${config.github.repo}`,
    now,
    envs,
    queue,
    slots: { used, cap: config.previews.max },
    slotHistory: slotBuckets(samples, now, used),
    month: price && monthCost(samples, now, used, config.previews.max, price),
    runs,
  };
}
