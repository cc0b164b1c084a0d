import type { Config } from '../../config/config.js';
import { nextRuns, parseNomadCron } from '../../config/cron.js';
import { envJobName, type EnvContext } from '../../../generators/env-context.js';

/** One periodic Nomad job of an environment and when it runs next. */
export interface JobSchedule {
  /** The Nomad job, e.g. `aipacto-production-backup`. */
  job: string;
  /** The cron expression as written in prenv.yml. */
  cron: string;
  /** The periodic block's `time_zone` (prenv's templates write UTC). */
  timeZone: 'UTC';
  /** ISO 8601 instants, strictly after `from`; fewer than asked when the schedule ends. */
  next: string[];
}

/**
 * The periodic jobs that run in `ctx`'s environment (`jobs.*` and `backups.postgres.*`, named
 * as the generators name their Nomad jobs), in job-name order, with their next runs.
 */
export function jobSchedules(
  config: Config,
  ctx: EnvContext,
  from: Date,
  count: number,
): JobSchedule[] {
  const prefix = envJobName(config, ctx);
  const periodic = [
    ...Object.entries(config.jobs).map(([name, j]) => ({
      job: `${prefix}-${name}`,
      at: `jobs.${name}.cron`,
      ...j,
    })),
    ...Object.entries(config.backups?.postgres ?? {}).map(([name, b]) => ({
      job: `${prefix}-backup-${name}`,
      at: `backups.postgres.${name}.cron`,
      ...b,
    })),
  ];
  return periodic
    .filter((p) => p.environments.includes(ctx.kind))
    .sort((a, b) => (a.job < b.job ? -1 : a.job > b.job ? 1 : 0))
    .map((p) => {
      const parsed = parseNomadCron(p.cron);
      // The schema accepted this expression with the same parser.
      if (!parsed.ok) throw new Error(`${p.at}: ${parsed.message}`);
      return {
        job: p.job,
        cron: p.cron,
        timeZone: 'UTC' as const,
        next: nextRuns(parsed.cron, from, count).map((d) => d.toISOString()),
      };
    });
}

/** `schedule  JOB  "CRON" (UTC)  next: 2026-11-23 03:00, …`, one line per job. */
export function scheduleLines(schedules: JobSchedule[]): string[] {
  return schedules.map((s) => {
    const next =
      s.next.length > 0 ? s.next.map(shortTime).join(', ') : 'never (the schedule has ended)';
    return `schedule  ${s.job}  ${JSON.stringify(s.cron)} (${s.timeZone})  next: ${next}`;
  });
}

function shortTime(iso: string): string {
  const seconds = iso.slice(17, 19);
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}${seconds === '00' ? '' : `:${seconds}`}`;
}
