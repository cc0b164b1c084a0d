/**
 * A seeded chaos run against `prenv serve` (a real process) and the simulated cloud of the local
 * stack (fake terraform, Nomad API double, real Caddy and Consul), GitHub played by the HTTP
 * fake. The seed decides everything the run decides: the events (chaos-events.ts), when the bot
 * is SIGKILLed and restarted, when Caddy and Consul restart, and which Terraform applies fail
 * (the fake terraform draws them from the seed and the apply's number). Timing is the
 * machine's, so a replay sends the same sequence with the same faults, not the same
 * interleaving.
 *
 * Invariants (chaos-invariants.ts) are checked on the state file after every event and every
 * 50 ms while waiting, and at the end, after the queue drained, one `prenv reconcile` and
 * convergence.
 */
import { eventSource, MAINTAINER, random } from './chaos-events.js';
import { finalProblems, INVARIANTS, stateChecker } from './chaos-invariants.js';
import { startChaosProcesses } from './chaos-processes.js';

export { INVARIANTS } from './chaos-invariants.js';

const CAP = 4;

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
  /** The bot's tick (ms, default 300): how soon it retries a failed run and checks TTLs. */
  tickMs?: number;
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runChaos(options: ChaosOptions): Promise<ChaosSummary> {
  const started = Date.now();
  const log = options.log ?? (() => {});
  const at = () => `${Math.round((Date.now() - started) / 1000)} s`;
  const rand = random(options.seed);
  const violations: string[] = [];
  const violate = (what: string) => {
    if (violations.includes(what) || violations.length >= 50) return;
    violations.push(what);
    log(`VIOLATION ${what}`);
  };

  const run = await startChaosProcesses({
    seed: options.seed,
    terraformFailRate: options.terraformFailRate,
    cap: CAP,
    tickMs: options.tickMs ?? 300,
  });
  run.github.state.permissions.set(MAINTAINER, 'admin');

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

  const events = eventSource(options.seed, rand, run.github);
  const state = stateChecker(run.statePath, events.prs, CAP, violate);
  const counts: Record<string, number> = {};

  const post = async (d: Parameters<typeof run.post>[0]) => {
    const { status, answer } = await run.post(d);
    const fine =
      (status === 202 && (answer.status === 'queued' || answer.status === 'ignored')) ||
      (status === 200 && answer.status === 'duplicate');
    if (!fine) violate(`delivery ${d.id} answered ${status} ${JSON.stringify(answer)}`);
  };

  /** Waits until nothing is queued, in flight or due for a retry, checking as it goes. */
  const quiet = async (what: string) => {
    const end = Date.now() + options.settleTimeoutMs;
    for (;;) {
      const { pending, running, retrying } = state.unsettled(state.check());
      if (pending === 0 && running === 0 && retrying === 0) return;
      if (Date.now() > end) {
        violate(
          `${what}: ${pending} deliveries queued, ${running} runs in flight and ${retrying} retries due after ${options.settleTimeoutMs} ms`,
        );
        return;
      }
      await sleep(50);
    }
  };

  const converge = async () => {
    const end = Date.now() + options.settleTimeoutMs;
    let problems: string[] = [];
    for (;;) {
      problems = await finalProblems(state.check(), events.prs, run.stack);
      if (problems.length === 0 || Date.now() > end) break;
      await sleep(250);
    }
    for (const p of problems) violate(`after convergence: ${p}`);
  };

  try {
    for (let i = 0; i < options.events; i++) {
      const { kind, deliveries } = events.draw(i);
      counts[kind] = (counts[kind] ?? 0) + 1;
      for (const d of [...deliveries, ...events.dueBy(i)]) {
        await post(d);
        events.sent(d);
      }
      if (killsAt.includes(i)) {
        log(`event ${i}: SIGKILL and restart of the bot`);
        await run.killAndRestartBot();
      }
      if (i === caddyRestartAt) {
        log(`event ${i}: Caddy restarts`);
        await run.stack.caddy.restart();
      }
      if (i === consulRestartAt) {
        log(`event ${i}: Consul restarts`);
        await run.stack.consul.restart();
      }
      state.check();
      // Time for runs to start between events, so faults land in provisions and deploys.
      await sleep(Math.floor(rand() * options.paceMs));
      if (i % 100 === 99) log(`${i + 1} events sent`);
    }
    for (const d of events.rest()) await post(d);

    log(`events sent in ${at()}`);
    await quiet('draining');
    log(`queue drained at ${at()}`);
    await run.stopBot();
    const reconcile = await run.reconcile();
    log(`reconcile exited ${reconcile.exitCode} at ${at()}`);
    if (reconcile.exitCode !== 0 && reconcile.exitCode !== 2)
      violate(`prenv reconcile exited ${reconcile.exitCode}: ${reconcile.stderr.slice(-500)}`);
    await run.startBot();
    await converge();
    log(`converged at ${at()}`);
  } finally {
    await run.stopBot('SIGKILL');
  }

  const world = state.check();
  const { applies, failed } = run.applies();
  await run.stop();
  const phases = (phase: string) =>
    Object.values(world?.envs ?? {})
      .filter((e) => e.phase === phase)
      .map((e) => e.pr);
  return {
    seed: options.seed,
    events: options.events,
    eventCounts: counts,
    faults: { killsAt, caddyRestartAt, consulRestartAt, failedApplies: failed, applies },
    invariants: INVARIANTS,
    statesChecked: state.statesChecked(),
    violations,
    final: {
      open: [...events.prs.values()].filter((p) => p.open).map((p) => p.number),
      live: phases('live'),
      queued: phases('queued'),
      absent: phases('absent'),
    },
    durationMs: Date.now() - started,
    ok: violations.length === 0,
  };
}
