import Database from 'better-sqlite3';
import type { World } from '../../bot/core/model.js';
import { slotsUsed } from '../../bot/core/slots.js';
import type { LocalStack } from '../support/local-stack.js';
import type { Pr } from './chaos-events.js';

/** What the chaos run checks, on the bot's state file while it runs and on the cloud at the end. */
export const INVARIANTS = [
  'never more slots held than the cap',
  'the store is consistent: the world parses, each env is filed under its PR, the world version never goes back, every queued payload parses',
  'no step ran twice for one delivery: no PR records two succeeded provisions in one cycle',
  'a fork PR never runs a commit no maintainer approved',
  'every webhook is answered 202 queued/ignored or 200 duplicate',
  'after convergence: every open non-draft PR of the repository is live or queued, and a live one has its server, route and job',
  'after convergence: every other PR (closed, draft, unapproved fork) has no server, no route and no job',
];

const RUN_PHASES = new Set(['provisioning', 'deploying', 'redeploying', 'destroying']);

export interface StateChecker {
  /** Reads the state file and checks the invariants that hold at every moment; the world read. */
  check(): World | null;
  /** What is not settled yet: deliveries queued, runs in flight, failed runs with a retry due. */
  unsettled(world: World | null): { pending: number; running: number; retrying: number };
  statesChecked(): number;
}

/**
 * Checks the SQLite state file at `statePath` (read-only: the bot is another process, and states
 * saved between two reads are not seen), reporting each broken invariant through `violate`.
 */
export function stateChecker(
  statePath: string,
  prs: ReadonlyMap<number, Pr>,
  cap: number,
  violate: (what: string) => void,
): StateChecker {
  let checked = 0;
  let lastVersion = 0;
  const reader = () => new Database(statePath, { readonly: true, fileMustExist: true });
  const readState = (): { world: World | null; version: number; badPayloads: number } => {
    const db = reader();
    try {
      const row = db.prepare('SELECT version, json FROM world WHERE id = 1').get() as
        { version: number; json: string } | undefined;
      let badPayloads = 0;
      for (const r of db.prepare('SELECT payload FROM deliveries WHERE done = 0').all() as {
        payload: string;
      }[]) {
        try {
          JSON.parse(r.payload);
        } catch {
          badPayloads++;
        }
      }
      return {
        world: row ? (JSON.parse(row.json) as World) : null,
        version: row?.version ?? 0,
        badPayloads,
      };
    } finally {
      db.close();
    }
  };

  const check = (): World | null => {
    let state;
    try {
      state = readState();
    } catch (err) {
      violate(`the state file cannot be read: ${(err as Error).message}`);
      return null;
    }
    checked++;
    const { world, version, badPayloads } = state;
    if (version < lastVersion) violate(`world version went back from ${lastVersion} to ${version}`);
    lastVersion = version;
    if (badPayloads > 0) violate(`${badPayloads} queued payloads do not parse`);
    if (!world) return null;
    const envs = Object.values(world.envs);
    const used = slotsUsed(envs);
    if (used > cap) violate(`${used} slots held, cap ${cap}`);
    for (const [key, e] of Object.entries(world.envs)) {
      if (Number(key) !== e.pr) violate(`env of PR ${e.pr} filed under ${key}`);
      const provisions = e.steps.filter((s) => s.step === 'provision' && s.outcome === 'succeeded');
      if (provisions.length > 1)
        violate(`PR ${e.pr}: ${provisions.length} provisions succeeded in one cycle`);
      const pr = prs.get(e.pr);
      if (pr?.fork && e.deployedSha && !pr.approved.has(e.deployedSha))
        violate(`fork PR ${e.pr} runs ${e.deployedSha.slice(0, 7)}, which no maintainer approved`);
    }
    return world;
  };

  const unsettled = (world: World | null) => {
    const db = reader();
    const pending = (
      db
        .prepare('SELECT COUNT(*) AS n FROM deliveries WHERE done = 0 AND dead_at IS NULL')
        .get() as { n: number }
    ).n;
    db.close();
    const envs = Object.values(world?.envs ?? {});
    return {
      pending,
      running: envs.filter((e) => RUN_PHASES.has(e.phase)).length,
      // A failed run with an automatic retry still due is not settled: its retry comes on a tick.
      retrying: envs.filter(
        (e) => e.failure?.nextRetryAt !== undefined && e.failure.nextRetryAt !== null,
      ).length,
    };
  };

  return { check, unsettled, statesChecked: () => checked };
}

/**
 * What is wrong with the cloud once everything settled: each PR whose server, Caddy route or
 * Nomad job is there when it should not be, or missing when it should (see INVARIANTS).
 */
export async function finalProblems(
  world: World | null,
  prs: ReadonlyMap<number, Pr>,
  stack: LocalStack,
): Promise<string[]> {
  const problems: string[] = [];
  const servers = new Set(await stack.cloud.servers());
  const routes = JSON.stringify(
    await (
      await fetch(
        `${stack.caddy.adminUrl}/config/apps/http/servers/${stack.caddy.serverName}/routes`,
      )
    ).json(),
  );
  const jobs = ((await (await fetch(`${stack.nomad.url}/v1/jobs`)).json()) as { ID: string }[]).map(
    (j) => j.ID,
  );
  for (const pr of prs.values()) {
    if (pr.unsure) continue;
    const e = world?.envs[pr.number];
    const host = `pr-${pr.number}.pr.aipacto.com`;
    const has = {
      server: servers.has(pr.number),
      route: routes.includes(`"${host}"`),
      job: jobs.some((id) => new RegExp(`\\bpr-${pr.number}\\b`).test(id)),
    };
    const wanted = pr.open && !pr.draft && !pr.destroyed && (!pr.fork || pr.approved.size > 0);
    if (pr.open && !pr.draft && !pr.fork) {
      const keptDown = pr.destroyed && e?.manualOverride;
      if (!keptDown && e?.phase !== 'live' && e?.phase !== 'queued')
        problems.push(`open PR ${pr.number} is ${e?.phase ?? 'unknown'}, not live or queued`);
      if (e?.phase === 'live') {
        for (const [what, present] of Object.entries(has))
          if (!present) problems.push(`live PR ${pr.number} has no ${what}`);
      }
    } else if (!wanted) {
      for (const [what, present] of Object.entries(has))
        if (present)
          problems.push(
            `PR ${pr.number} (${pr.open ? (pr.draft ? 'draft' : 'unapproved fork') : 'closed'}) still has a ${what}`,
          );
    }
  }
  return problems;
}
