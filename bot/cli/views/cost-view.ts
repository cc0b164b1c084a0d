import type { CostReport, EnvCost } from '../../core/cost.js';
import { renderTable } from './table.js';
import { euros, formatAge, iso, NONE } from './view-support.js';

/**
 * `prenv cost --json`: the cost report with times as ISO strings. Amounts are euros excluding
 * VAT (rounded to 0.0001); null where the price table has no price for a server type there.
 * Keys: `at`, `currency`, `pricesAsOf`, `priceSource`, `envs[]` (`env`, `kind`, `pr`, `phase`,
 * `serverType`, `location`, `servers`, `price` {hourly, monthly} per server, `hourly` and
 * `monthly` for all servers, `deployed` (production, staging: whether Nomad runs the job; null
 * unknown), `since`, `ageMs`, `billedHours`, `costSoFar`), `hourlyNow`,
 * `notDeployed` (envs left out of `hourlyNow`), `monthlyProjection`, `cap` {max, serverType,
 * perEnvMonthly, monthly, totalMonthly}, `problems`; `prenv cost` adds `noState` (why no PR env
 * is counted: no state file, or null).
 */
export type CostJson = Omit<CostReport, 'at' | 'envs'> & {
  at: string;
  envs: (Omit<EnvCost, 'since'> & { since: string | null })[];
};

export function costJson(report: CostReport): CostJson {
  return {
    ...report,
    at: iso(report.at)!,
    envs: report.envs.map((e) => ({ ...e, since: iso(e.since) })),
  };
}

function notCounted(envs: string[]): string {
  return envs.length === 0 ? '' : ` (not deployed, so not counted: ${envs.join(', ')})`;
}

/** `prenv cost`: per env, the hourly total now, the monthly projection and the cap's worst case. */
export function renderCost(report: CostReport): string {
  const rows = report.envs.map((e) => [
    e.env,
    e.phase ?? (e.deployed === null ? '' : e.deployed ? 'deployed' : 'not deployed'),
    `${e.servers} × ${e.serverType}`,
    euros(e.hourly, 4),
    euros(e.monthly),
    e.ageMs === null ? NONE : formatAge(e.ageMs),
    e.billedHours === null ? NONE : String(e.billedHours),
    e.costSoFar === null ? NONE : euros(e.costSoFar, 4),
  ]);
  const table = renderTable(
    [
      { title: 'ENV' },
      { title: 'STATE' },
      { title: 'SERVERS' },
      { title: '€/HOUR', align: 'right' },
      { title: '€/MONTH', align: 'right' },
      { title: 'AGE', align: 'right' },
      { title: 'HOURS', align: 'right' },
      { title: 'SO FAR', align: 'right' },
    ],
    rows,
  );
  const prCount = report.envs.filter((e) => e.kind === 'pr').length;
  const { cap } = report;
  const partial = report.problems.length > 0 ? ' (envs without a price left out)' : '';
  const lines = [
    `Hetzner server prices as of ${report.pricesAsOf}, EUR excluding VAT (${report.priceSource}).`,
    '',
    ...table,
    '',
    `Now:             ${euros(report.hourlyNow, 4)} per hour${partial}${notCounted(report.notDeployed)}`,
    `This month:      ${euros(report.monthlyProjection)} if production, staging and the ${prCount} current PR environment${prCount === 1 ? '' : 's'} run all month${partial}`,
    `Cap worst case:  ${cap.max} × ${euros(cap.perEnvMonthly)} = ${euros(cap.monthly)} per month for PR environments (${cap.serverType}); ${euros(cap.totalMonthly)} with production and staging`,
  ];
  for (const problem of report.problems) lines.push(`Unknown price:   ${problem}`);
  lines.push(
    '',
    'Hetzner bills every started hour, capped at the monthly price; recreating a server within the hour pays twice.',
    'Prices change: check https://www.hetzner.com/cloud. Each server with its primary IPv4 address; volumes, backups and traffic are not included.',
  );
  return lines.join('\n') + '\n';
}
