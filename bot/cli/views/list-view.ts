import { deadLetterRows, renderDeadLetters, type DeadLetterRow } from './dead-letters.js';
import { costReport } from '../../core/cost.js';
import type { EnvRecord, Phase } from '../../core/model.js';
import { envName, shortSha } from '../../core/model.js';
import { holdsSlot, queueOrder, queuePositions, slotsUsed } from '../../core/slots.js';
import { renderTable } from './table.js';
import type { FixedEnv, ViewInput } from './view-support.js';
import {
  euros,
  fixedNodeNames,
  fixedUrl,
  formatAge,
  iso,
  NONE,
  previewNodeName,
  previewUrl,
} from './view-support.js';

/**
 * One row of `prenv list --json`. Keys are stable:
 * - `env`: `production`, `staging` or `pr-N`; `kind`: `production` | `staging` | `pr`
 * - `state`: a PR env's phase, or `deployed` / `not_deployed` / `unknown` for production and staging
 * - `url`; `deployedSha` / `desiredSha`: full SHAs or null (desired: PR envs only)
 * - `since`: ISO time the env was deployed (production, staging) or its cycle began (PR);
 *   `ageMs`: now − since
 * - `nodes`: Hetzner server names (a PR env that holds a slot has one; a queued one none)
 * - `hourly`: € per hour of all its servers now (0 while queued; null: no price known)
 * - `queuePosition`: 1-based while queued, else null
 */
export interface ListRow {
  env: string;
  kind: 'production' | 'staging' | 'pr';
  state: Phase | 'deployed' | 'not_deployed' | 'unknown';
  url: string;
  deployedSha: string | null;
  desiredSha: string | null;
  since: string | null;
  ageMs: number | null;
  nodes: string[];
  hourly: number | null;
  queuePosition: number | null;
}

/**
 * `prenv list --json`: `at` (ISO), the rows, slot use, the hourly total of all rows and the
 * deliveries the bot gave up on.
 */
export interface ListView {
  at: string;
  rows: ListRow[];
  slots: { used: number; cap: number; queued: number };
  hourlyTotal: number;
  deadLetters: DeadLetterRow[];
}

export function listView(input: ViewInput): ListView {
  const { config, world, now } = input;
  const deployed = (info: ViewInput['production']) =>
    info === null ? null : info.deployedSha !== null;
  const cost = costReport(config, world, now, {
    ...(input.prices ? { prices: input.prices } : {}),
    deployed: { production: deployed(input.production), staging: deployed(input.staging) },
  });
  const hourly = new Map(cost.envs.map((e) => [e.env, e.hourly]));
  const positions = queuePositions(world);
  const fixed = (env: FixedEnv): ListRow => {
    const info = input[env];
    const deployedAt = info?.deployedAt ?? null;
    return {
      env,
      kind: env,
      state: info === null ? 'unknown' : info.deployedSha === null ? 'not_deployed' : 'deployed',
      url: fixedUrl(config, env),
      deployedSha: info?.deployedSha ?? null,
      desiredSha: null,
      since: iso(deployedAt),
      ageMs: deployedAt === null ? null : Math.max(0, now - deployedAt),
      nodes: fixedNodeNames(config, env, info),
      // Not deployed: left out of the total, like a queued PR.
      hourly: info !== null && info.deployedSha === null ? 0 : (hourly.get(env) ?? null),
      queuePosition: null,
    };
  };
  const pr = (env: EnvRecord): ListRow => {
    const since = env.ticket?.enqueuedAt ?? env.steps[0]?.startedAt ?? env.updatedAt;
    const name = envName(env.pr);
    const slot = holdsSlot(env.phase);
    return {
      env: name,
      kind: 'pr',
      state: env.phase,
      url: previewUrl(config, env.pr),
      deployedSha: env.deployedSha,
      desiredSha: env.desiredSha,
      since: iso(since),
      ageMs: Math.max(0, now - since),
      nodes: slot ? [previewNodeName(config.project, env.pr)] : [],
      hourly: slot ? (hourly.get(name) ?? null) : 0,
      queuePosition: positions.get(env.pr) ?? null,
    };
  };
  const prs = Object.values(world.envs)
    .filter((env) => env.phase !== 'absent')
    .sort((a, b) => a.pr - b.pr)
    .map(pr);
  return {
    at: iso(now)!,
    rows: [fixed('production'), fixed('staging'), ...prs],
    slots: {
      used: slotsUsed(Object.values(world.envs)),
      cap: config.previews.max,
      queued: queueOrder(world).length,
    },
    hourlyTotal: cost.hourlyNow,
    deadLetters: deadLetterRows(input.deadLetters ?? []),
  };
}

function stateText(row: ListRow): string {
  if (row.queuePosition !== null) return `queued #${row.queuePosition}`;
  return row.state.replace('_', ' ');
}

function shaText(row: ListRow): string {
  const deployed = shortSha(row.deployedSha);
  const desired = shortSha(row.desiredSha);
  if (desired && desired !== deployed) return deployed ? `${deployed}→${desired}` : `→${desired}`;
  return deployed ?? NONE;
}

function nodeText(nodes: string[]): string {
  if (nodes.length === 0) return NONE;
  return nodes.length === 1 ? nodes[0]! : `${nodes[0]} (+${nodes.length - 1})`;
}

/** `prenv list`: one line per env, then slot use and the hourly total. */
export function renderList(view: ListView): string {
  const rows = view.rows.map((r) => [
    r.env,
    stateText(r),
    r.url,
    shaText(r),
    r.ageMs === null ? NONE : formatAge(r.ageMs),
    nodeText(r.nodes),
    r.hourly === 0 ? NONE : euros(r.hourly, 4),
  ]);
  const table = renderTable(
    [
      { title: 'ENV' },
      { title: 'STATE' },
      { title: 'URL' },
      { title: 'SHA' },
      { title: 'AGE', align: 'right' },
      { title: 'NODE' },
      { title: '€/HOUR', align: 'right' },
    ],
    rows,
  );
  const { used, cap, queued } = view.slots;
  return (
    [
      ...table,
      '',
      `Preview slots: ${used} of ${cap} in use, ${queued} queued. Deployed servers: ${euros(view.hourlyTotal, 4)} per hour.`,
      ...renderDeadLetters(view.deadLetters),
    ].join('\n') + '\n'
  );
}
