import type { Config } from '../../config/config.js';
import { costReport, previewServerPrice } from '../../core/cost.js';
import {
  monthCost,
  slotBuckets,
  type MonthCost,
  type SlotBucket,
  type SlotSample,
} from '../../core/slot-history.js';
import {
  shortSha,
  type ClusterEnvironment,
  type Phase,
  type StepRecord,
  type World,
} from '../../core/model.js';
import { environmentPath } from './paths.js';
import { queueOrder, slotsUsed } from '../../core/slots.js';
import type { RunRecord } from './run-log.js';

export interface EnvRow {
  /** `production`, `staging` or `pr-N`. */
  name: string;
  pr: number | null;
  /**
   * The env's phase. Production and staging: `deploying` while a deploy on push runs, `live` once
   * one succeeded; null when the bot deployed neither (the CLI does, untracked here).
   */
  state: Phase | null;
  url: string;
  /** Short SHA deployed (PR envs), null when none. */
  commit: string | null;
  ageMs: number | null;
  serverType: string;
  /** € per hour for all the env's servers; null when the price table lacks the type. */
  eurPerHour: number | null;
  /**
   * The newest step of a PR env's cycle, or the newest kept run of production or staging; its
   * page is `runsPath` (`environmentPath`).
   */
  lastRun: {
    step: string;
    outcome: StepRecord['outcome'] | RunRecord['outcome'];
    at: number;
  } | null;
  /** The page of the env's newest run. */
  runsPath: string;
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
    const cluster = cost.pr === null ? world.deploys?.[cost.kind as ClusterEnvironment] : undefined;
    const step = env?.steps.at(-1);
    // Production's and staging's runs are not steps of the world: the kept runs tell them.
    const run = cost.pr === null ? runs.find((r) => r.environment === cost.env) : undefined;
    const last = step
      ? { step: step.step, outcome: step.outcome, at: step.endedAt ?? step.startedAt }
      : run
        ? { step: run.kind, outcome: run.outcome, at: run.endedAt ?? run.startedAt }
        : null;
    return {
      name: cost.env,
      pr: cost.pr,
      state: cluster
        ? cluster.run
          ? 'deploying'
          : cluster.deployedSha
            ? 'live'
            : null
        : cost.phase,
      url:
        cost.pr === null
          ? `https://${config.environments[cost.kind as 'production' | 'staging'].host}`
          : previewUrl(cost.pr),
      commit: shortSha(env?.deployedSha ?? cluster?.deployedSha ?? null),
      ageMs: cost.ageMs,
      serverType: cost.serverType,
      eurPerHour: cost.hourly,
      bypassToken: cost.pr !== null && bypassToken ? bypassToken(cost.pr) : null,
      lastRun: last,
      runsPath: environmentPath(cost.env),
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
