import type { Config } from '../../config/config.js';
import { nextRuns, parseNomadCron } from '../../config/cron.js';
import { envJobName, type EnvContext } from '../../../generators/env-context.js';

/** One periodic Nomad job of an environment and when it runs next. */
export interface JobSchedule {
  /** The Nomad job, e.g. `aipacto-production-backup`. */
  job: string;
  /** `jobs.<name>.cron` as written in prenv.yml. */
  cron: string;
  /** The periodic block's `time_zone` (prenv's templates write UTC). */
  timeZone: 'UTC';
  /** ISO 8601 instants, strictly after `from`; fewer than asked when the schedule ends. */
  next: string[];
}

/** The periodic jobs that run in `ctx`'s environment, in name order, with their next runs. */
export function jobSchedules(
  config: Config,
  ctx: EnvContext,
  from: Date,
  count: number,
): JobSchedule[] {
  return Object.entries(config.jobs)
    .filter(([, job]) => job.environments.includes(ctx.kind))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, job]) => {
      const parsed = parseNomadCron(job.cron);
      // The schema accepted this expression with the same parser.
      if (!parsed.ok) throw new Error(`jobs.${name}.cron: ${parsed.message}`);
      return {
        job: `${envJobName(config, ctx)}-${name}`,
        cron: job.cron,
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
