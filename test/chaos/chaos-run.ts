/**
 * A seeded chaos run against `prenv serve` (a real process) and the simulated cloud of the local
 * stack (fake terraform, Nomad API double, real Caddy and Consul), GitHub played by the HTTP
 * fake. The seed decides everything the run decides: the events (opens, drafts, ready, pushes,
 * comments from maintainers, readers and fork authors, closes, reopens, duplicates, late and
 * out-of-order deliveries, deliveries of another repository), when the bot is SIGKILLed and
 * restarted, when Caddy and Consul restart, and which Terraform applies fail (the fake
 * terraform draws them from the seed and the apply's number). Timing is the machine's, so a
 * replay sends the same sequence with the same faults, not the same interleaving.
 *
 * Invariants are checked on the state file after every event and every 50 ms while waiting
 * (the bot is another process: states saved between two reads are not seen), and at the end,
 * after the queue drained, one `prenv reconcile` and convergence.
 */
import { execa } from 'execa';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { loadConfigOrThrow } from '../../bot/config/load.js';
import type { World } from '../../bot/core/model.js';
import { slotsUsed } from '../../bot/core/slots.js';
import { FAKE_PRODUCTION_OUTPUTS } from '../../scripts/local-stack-env.js';
import { startGitHubHttpFake, type GitHubHttpFake } from '../fakes/github/github-http.js';
import { startServe, type ServeProcess } from '../server/serve-process.js';
import { FAKE_TERRAFORM, startLocalStack, type LocalStack } from '../support/local-stack.js';
import { repoRoot } from '../support/tools.js';
import {
  inRepository,
  prCommentPayload,
  realPayload,
  signedDelivery,
} from '../support/webhook-examples.js';
import { WEBHOOK_SECRET } from '../server/serve-process.js';

const REPOSITORY = 'aipacto/aipacto';
const CAP = 4;
const MAINTAINER = 'maintainer-mo';
const READER = 'reader-rae';
const FORK_AUTHOR = 'fork-fay';
const RUN_PHASES = new Set(['provisioning', 'deploying', 'redeploying', 'destroying']);

export interface ChaosOptions {
  seed: number;
  events: number;
  /** SIGKILL + restart of the bot, at seeded points. */
  kills: number;
  /** Restart Caddy and Consul once each, at seeded points. */
  restartCaddyAndConsul: boolean;
  terraformFailRate: number;
  /** Most pause between two events (ms); the pause is drawn from the seed. */
  paceMs: number;
  /** Most time for draining and for convergence, each (ms). */
  settleTimeoutMs: number;
  log?: (line: string) => void;
}

export interface ChaosSummary {
  seed: number;
  events: number;
  eventCounts: Record<string, number>;
  faults: {
    killsAt: number[];
    caddyRestartAt: number | null;
    consulRestartAt: number | null;
    failedApplies: number;
    applies: number;
  };
  invariants: string[];
  statesChecked: number;
  violations: string[];
  final: { open: number[]; live: number[]; queued: number[]; absent: number[] };
  durationMs: number;
  ok: boolean;
}

/** mulberry32: a small seeded generator, so a seed replays the same sequence. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Pr {
  number: number;
  open: boolean;
  draft: boolean;
  fork: boolean;
  sha: string;
  pushes: number;
  /** Heads a maintainer's `/deploy` was written for (forks). */
  approved: Set<string>;
  /** A maintainer's `/destroy` was the last word: the PR stays without an environment. */
  destroyed: boolean;
  /** A `/redeploy` followed a `/destroy`: either outcome is right, neither is checked. */
  unsure: boolean;
}

interface Sent {
  id: string;
  name: string;
  body: unknown;
}

export const INVARIANTS = [
  'never more slots held than the cap',
  'the store is consistent: the world parses, each env is filed under its PR, the world version never goes back, every queued payload parses',
  'no step ran twice for one delivery: no PR records two succeeded provisions in one cycle',
  'a fork PR never runs a commit no maintainer approved',
  'every webhook is answered 202 queued/ignored or 200 duplicate',
  'after convergence: every open non-draft PR of the repository is live or queued, and a live one has its server, route and job',
  'after convergence: every other PR (closed, draft, unapproved fork) has no server, no route and no job',
];

export async function runChaos(options: ChaosOptions): Promise<ChaosSummary> {
  const started = Date.now();
  const log = options.log ?? (() => {});
  const rand = random(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  const violations: string[] = [];
  const violate = (what: string) => {
    if (violations.includes(what) || violations.length >= 50) return;
    violations.push(what);
    log(`VIOLATION ${what}`);
  };

  const example = path.join(repoRoot, 'examples/aipacto/prenv.yml');
  const text = readFileSync(example, 'utf8').replace(/max: \d+/, `max: ${CAP}`);
  const [stack, github]: [LocalStack, GitHubHttpFake] = await Promise.all([
    startLocalStack(loadConfigOrThrow(text, example)),
    startGitHubHttpFake(),
  ]);
  github.state.permissions.set(MAINTAINER, 'admin');
  const dir = mkdtempSync(path.join(tmpdir(), 'prenv-chaos-'));
  const configFile = path.join(dir, 'prenv.yml');
  writeFileSync(configFile, `${text}consul:\n  dns: "${stack.config.consul.dns}"\n`);
  const outputs = path.join(dir, 'production-outputs.json');
  writeFileSync(outputs, JSON.stringify(FAKE_PRODUCTION_OUTPUTS));
  const statePath = path.join(dir, 'state.db');
  const env: Record<string, string> = {
    PRENV_GITHUB_TOKEN: 'ghp_chaos',
    PRENV_GITHUB_API_URL: github.url,
    PRENV_STATE: statePath,
    PRENV_NOMAD_ADDR: stack.nomad.url,
    PRENV_CONSUL_ADDR: stack.consul.httpUrl,
    PRENV_CADDY_ADMIN: stack.caddy.adminUrl,
    PRENV_TERRAFORM_BIN: FAKE_TERRAFORM,
    PRENV_TERRAFORM_DIR: mkdtempSync(path.join(dir, 'tf-')),
    PRENV_TF_PRODUCTION_OUTPUTS: outputs,
    PRENV_FAKE_TF_STATE_DIR: stack.stateDir,
    PRENV_FAKE_TF_DELAY_MS: '40',
    PRENV_FAKE_TF_FAIL_RATE: String(options.terraformFailRate),
    PRENV_FAKE_TF_FAIL_SEED: String(options.seed),
    PRENV_SETTLE_MS: '0',
    PRENV_TICK_MS: '300',
    PRENV_QUEUE_EDIT_DEBOUNCE_MS: '0',
    PRENV_RECONCILE: 'off',
  };

  // The fault schedule, drawn first so it does not depend on the events drawn.
  const killsAt = Array.from({ length: options.kills }, () =>
    Math.floor(options.events * (0.1 + 0.8 * rand())),
  ).sort((a, b) => a - b);
  const caddyRestartAt = options.restartCaddyAndConsul
    ? Math.floor(options.events * (0.2 + 0.6 * rand()))
    : null;
  const consulRestartAt = options.restartCaddyAndConsul
    ? Math.floor(options.events * (0.2 + 0.6 * rand()))
    : null;

  let serve: ServeProcess = await startServe(configFile, env);
  const prs = new Map<number, Pr>();
  const sent: Sent[] = [];
  const late: { due: number; delivery: Sent }[] = [];
  const counts: Record<string, number> = {};
  let clock = Date.parse('2026-03-01T00:00:00Z');
  let deliveryNo = 0;
  let statesChecked = 0;
  let lastVersion = 0;
  const iso = () => new Date((clock += 1_000)).toISOString();

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

  const checkState = (): World | null => {
    let state;
    try {
      state = readState();
    } catch (err) {
      violate(`the state file cannot be read: ${(err as Error).message}`);
      return null;
    }
    statesChecked++;
    const { world, version, badPayloads } = state;
    if (version < lastVersion) violate(`world version went back from ${lastVersion} to ${version}`);
    lastVersion = version;
    if (badPayloads > 0) violate(`${badPayloads} queued payloads do not parse`);
    if (!world) return null;
    const envs = Object.values(world.envs);
    const used = slotsUsed(envs);
    if (used > CAP) violate(`${used} slots held, cap ${CAP}`);
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

  const post = async (d: Sent) => {
    const signed = await signedDelivery(d.name, d.body, WEBHOOK_SECRET, d.id);
    const res = await fetch(`http://127.0.0.1:${serve.port}/webhooks/github`, {
      method: 'POST',
      headers: signed.headers,
      body: signed.body,
    });
    const answer = (await res.json().catch(() => ({}))) as { status?: string };
    const fine =
      (res.status === 202 && (answer.status === 'queued' || answer.status === 'ignored')) ||
      (res.status === 200 && answer.status === 'duplicate');
    if (!fine) violate(`delivery ${d.id} answered ${res.status} ${JSON.stringify(answer)}`);
  };

  const pullPayload = (pr: Pr, action: string, repository = REPOSITORY) => {
    const payload = realPayload(
      'pull_request',
      'opened',
      (p) => !(p.pull_request as { draft: boolean }).draft,
    );
    payload.action = action;
    const pull = payload.pull_request as Record<string, unknown>;
    Object.assign(pull, {
      number: pr.number,
      title: `Chaos ${pr.number}`,
      draft: pr.draft,
      state: pr.open ? 'open' : 'closed',
      merged: false,
      updated_at: iso(),
    });
    const head = pull.head as Record<string, unknown>;
    head.sha = pr.sha;
    head.ref = `chaos-${pr.number}`;
    head.repo = {
      ...(head.repo as object),
      full_name: pr.fork ? `${FORK_AUTHOR}/aipacto` : repository,
    };
    (pull.user as Record<string, unknown>).login = pr.fork ? FORK_AUTHOR : 'dev';
    payload.number = pr.number;
    return inRepository(payload, repository);
  };

  const mirror = (pr: Pr) => {
    if (!pr.open) return github.closePull(pr.number);
    github.openPull({
      number: pr.number,
      headSha: pr.sha,
      headRef: `chaos-${pr.number}`,
      baseRef: 'main',
      title: `Chaos ${pr.number}`,
      draft: pr.draft,
      fork: pr.fork,
      author: pr.fork ? FORK_AUTHOR : 'dev',
    });
  };

  const shaOf = (pr: number, push: number) =>
    `${pr.toString(16).padStart(4, '0')}${push.toString(16).padStart(4, '0')}`.padEnd(40, 'c');

  let nextPr = 1;
  /** Draws one event; returns the deliveries it makes (usually one) or none. */
  const drawEvent = (): { kind: string; deliveries: Sent[] } => {
    const all = [...prs.values()];
    const open = all.filter((p) => p.open);
    const closed = all.filter((p) => !p.open);
    const choices: [string, number][] = [
      ['open', open.length < 12 ? 12 : 3],
      ['draft', open.some((p) => !p.draft) ? 5 : 0],
      ['ready', open.some((p) => p.draft) ? 6 : 0],
      ['push', open.length > 0 ? 14 : 0],
      ['comment', open.length > 0 ? 12 : 0],
      ['close', open.length > 0 ? 7 : 0],
      ['reopen', closed.length > 0 ? 4 : 0],
      ['duplicate', sent.length > 0 ? 5 : 0],
      ['late', open.length > 0 ? 4 : 0],
      ['foreign', 3],
    ];
    const total = choices.reduce((s, [, w]) => s + w, 0);
    let r = rand() * total;
    const kind = choices.find(([, w]) => (r -= w) < 0)?.[0] ?? 'foreign';
    const delivery = (name: string, body: unknown): Sent => ({
      id: `chaos-${options.seed}-${++deliveryNo}`,
      name,
      body,
    });
    const prEvent = (pr: Pr, action: string) => {
      mirror(pr);
      return delivery('pull_request', pullPayload(pr, action));
    };
    switch (kind) {
      case 'open': {
        const pr: Pr = {
          number: nextPr++,
          open: true,
          draft: rand() < 0.2,
          fork: rand() < 0.2,
          sha: '',
          pushes: 0,
          approved: new Set(),
          destroyed: false,
          unsure: false,
        };
        pr.sha = shaOf(pr.number, 0);
        prs.set(pr.number, pr);
        return { kind, deliveries: [prEvent(pr, 'opened')] };
      }
      case 'draft': {
        const pr = pick(open.filter((p) => !p.draft));
        pr.draft = true;
        return { kind, deliveries: [prEvent(pr, 'converted_to_draft')] };
      }
      case 'ready': {
        const pr = pick(open.filter((p) => p.draft));
        pr.draft = false;
        return { kind, deliveries: [prEvent(pr, 'ready_for_review')] };
      }
      case 'push':
      case 'late': {
        const pr = pick(open);
        pr.sha = shaOf(pr.number, ++pr.pushes);
        const d = prEvent(pr, 'synchronize');
        if (kind === 'push') return { kind, deliveries: [d] };
        // Delivered a few events later, after newer deliveries of its PR may have arrived.
        late.push({ due: counts.total! + 1 + Math.floor(rand() * 6), delivery: d });
        return { kind, deliveries: [] };
      }
      case 'comment': {
        const pr = pick(open);
        const actor = pick([MAINTAINER, MAINTAINER, READER, FORK_AUTHOR]);
        const body = pick(['/deploy', '/deploy', '/destroy', '/redeploy', 'looks good']);
        // `approvedSha`: the head a maintainer approved with `/deploy` or `/redeploy`.
        if (actor === MAINTAINER && (body === '/deploy' || body === '/redeploy'))
          pr.approved.add(pr.sha);
        if (actor === MAINTAINER && body.startsWith('/')) {
          pr.unsure = body === '/redeploy' ? pr.destroyed || pr.unsure : false;
          pr.destroyed = body === '/destroy';
        }
        const payload = inRepository(prCommentPayload(body, actor, pr.number), REPOSITORY);
        const comment = payload.comment as Record<string, unknown>;
        comment.id = 900_000 + deliveryNo;
        comment.created_at = comment.updated_at = iso();
        return { kind, deliveries: [delivery('issue_comment', payload)] };
      }
      case 'close': {
        const pr = pick(open);
        pr.open = false;
        return { kind, deliveries: [prEvent(pr, 'closed')] };
      }
      case 'reopen': {
        const pr = pick(closed);
        pr.open = true;
        return { kind, deliveries: [prEvent(pr, 'reopened')] };
      }
      case 'duplicate':
        return { kind, deliveries: [pick(sent)] };
      default: {
        const stranger: Pr = {
          number: 500 + Math.floor(rand() * 100),
          open: true,
          draft: false,
          fork: false,
          sha: shaOf(999, deliveryNo),
          pushes: 0,
          approved: new Set(),
          destroyed: false,
          unsure: false,
        };
        return {
          kind: 'foreign',
          deliveries: [delivery('pull_request', pullPayload(stranger, 'opened', 'someone/else'))],
        };
      }
    }
  };

  const restartBot = async () => {
    serve.child.kill('SIGKILL');
    await serve.child;
    serve = await startServe(configFile, env);
  };

  try {
    counts.total = 0;
    for (let i = 0; i < options.events; i++) {
      const { kind, deliveries } = drawEvent();
      counts[kind] = (counts[kind] ?? 0) + 1;
      counts.total = i + 1;
      const dueLate = late.filter((l) => l.due <= i);
      for (const l of dueLate) late.splice(late.indexOf(l), 1);
      for (const d of [...deliveries, ...dueLate.map((l) => l.delivery)]) {
        await post(d);
        if (
          d.name !== 'pull_request' ||
          !(d.body as { repository: { full_name: string } }).repository.full_name.startsWith(
            'someone/',
          )
        )
          sent.push(d);
      }
      if (killsAt.includes(i)) {
        log(`event ${i}: SIGKILL and restart of the bot`);
        await restartBot();
      }
      if (i === caddyRestartAt) {
        log(`event ${i}: Caddy restarts`);
        await stack.caddy.restart();
      }
      if (i === consulRestartAt) {
        log(`event ${i}: Consul restarts`);
        await stack.consul.restart();
      }
      checkState();
      // Time for runs to start between events, so faults land in provisions and deploys.
      await new Promise((r) => setTimeout(r, Math.floor(rand() * options.paceMs)));
      if (i % 100 === 99) log(`${i + 1} events sent`);
    }
    for (const l of late.splice(0)) await post(l.delivery);

    // Drain: nothing queued and no run in flight, checking as it goes.
    const quiet = async (what: string) => {
      const end = Date.now() + options.settleTimeoutMs;
      for (;;) {
        const world = checkState();
        const db = reader();
        const pending = (
          db
            .prepare('SELECT COUNT(*) AS n FROM deliveries WHERE done = 0 AND dead_at IS NULL')
            .get() as {
            n: number;
          }
        ).n;
        db.close();
        const running = Object.values(world?.envs ?? {}).filter((e) =>
          RUN_PHASES.has(e.phase),
        ).length;
        // A failed run with an automatic retry still due is not settled: its retry comes on a tick.
        const retrying = Object.values(world?.envs ?? {}).filter(
          (e) => e.failure?.nextRetryAt !== undefined && e.failure.nextRetryAt !== null,
        ).length;
        if (pending === 0 && running === 0 && retrying === 0) return;
        if (Date.now() > end) {
          violate(
            `${what}: ${pending} deliveries queued, ${running} runs in flight and ${retrying} retries due after ${options.settleTimeoutMs} ms`,
          );
          return;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    log(`events sent in ${Math.round((Date.now() - started) / 1000)} s`);
    await quiet('draining');
    log(`queue drained at ${Math.round((Date.now() - started) / 1000)} s`);
    serve.child.kill('SIGTERM');
    await serve.child;
    const reconcile = await execa(
      'node',
      [path.join(repoRoot, 'bin/prenv.js'), 'reconcile', '--json', '--config', configFile],
      {
        env: { PATH: process.env.PATH, ...env },
        extendEnv: false,
        reject: false,
      },
    );
    log(`reconcile exited ${reconcile.exitCode}`);
    if (reconcile.exitCode !== 0 && reconcile.exitCode !== 2)
      violate(`prenv reconcile exited ${reconcile.exitCode}: ${reconcile.stderr.slice(-500)}`);
    serve = await startServe(configFile, env);
    await converge(options.settleTimeoutMs);
    log(`converged at ${Math.round((Date.now() - started) / 1000)} s`);
  } finally {
    serve.child.kill('SIGKILL');
    await serve.child.catch(() => undefined);
  }

  async function converge(timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs;
    let problems: string[] = [];
    for (;;) {
      problems = await finalProblems();
      if (problems.length === 0 || Date.now() > end) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    for (const p of problems) violate(`after convergence: ${p}`);
  }

  async function finalProblems(): Promise<string[]> {
    const world = checkState();
    const problems: string[] = [];
    const servers = new Set(await stack.cloud.servers());
    const routes = JSON.stringify(
      await (
        await fetch(
          `${stack.caddy.adminUrl}/config/apps/http/servers/${stack.caddy.serverName}/routes`,
        )
      ).json(),
    );
    const jobs = (
      (await (await fetch(`${stack.nomad.url}/v1/jobs`)).json()) as { ID: string }[]
    ).map((j) => j.ID);
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

  const world = checkState();
  const failedFile = path.join(stack.stateDir, '.failed-applies');
  const appliesFile = path.join(stack.stateDir, '.applies');
  const failedApplies = existsSync(failedFile)
    ? readFileSync(failedFile, 'utf8').trim().split('\n').length
    : 0;
  const applies = existsSync(appliesFile) ? readFileSync(appliesFile, 'utf8').length : 0;
  await Promise.allSettled([stack.stop(), github.close()]);
  const phases = (phase: string) =>
    Object.values(world?.envs ?? {})
      .filter((e) => e.phase === phase)
      .map((e) => e.pr);
  const summary: ChaosSummary = {
    seed: options.seed,
    events: options.events,
    eventCounts: Object.fromEntries(Object.entries(counts).filter(([k]) => k !== 'total')),
    faults: {
      killsAt,
      caddyRestartAt,
      consulRestartAt,
      failedApplies,
      applies,
    },
    invariants: INVARIANTS,
    statesChecked,
    violations,
    final: {
      open: [...prs.values()].filter((p) => p.open).map((p) => p.number),
      live: phases('live'),
      queued: phases('queued'),
      absent: phases('absent'),
    },
    durationMs: Date.now() - started,
    ok: violations.length === 0,
  };
  return summary;
}
