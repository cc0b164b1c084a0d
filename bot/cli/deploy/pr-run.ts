import type { CommandEvent } from '../../core/actions.js';
import type { World } from '../../core/model.js';
import { isCapacityBlocked, queueOrder, queuePositions } from '../../core/slots.js';
import { Engine } from '../../runtime/engine.js';
import type { CliRuntime } from './runtime.js';
import type { Progress } from './progress.js';
import { opsWithProgress } from './progress-ops.js';
import type { PrTarget } from './pr-target.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { catchInterrupts } from './interrupt.js';
import { abandonBound, runHolder, thisOwner, type Holder } from './run-owner.js';

export type PrOutcome =
  | { outcome: 'live'; sha: string; url: string }
  | {
      outcome: 'queued';
      position: number;
      length: number;
      cap: number;
      atCapacity: boolean;
      blockedUntil: number | null;
    }
  | { outcome: 'destroyed' }
  | { outcome: 'absent' }
  | { outcome: 'failed'; error: string }
  | { outcome: 'interrupted'; signal: string; error: string };

/**
 * Sends a maintainer's `/deploy` or `/destroy` through the bot's own engine (same state, same
 * planner, same pipelines, same cap and queue) and waits until every run it started has ended.
 * The runs it starts record this process as their owner. A run in flight of a prenv command
 * that is gone is taken over (recorded as failed, then retried by the command); one of a live
 * command or of the bot is refused (exit 4). SIGINT/SIGTERM stop the run at a safe point and
 * record it as failed (interrupted), so the same command retries it.
 */
export async function runPrCommand(input: {
  runtime: CliRuntime;
  target: PrTarget;
  command: 'deploy' | 'destroy';
  actor: string;
  progress: Progress;
  /** Where the interrupt messages go (the CLI's stderr). */
  stderr: (text: string) => void;
  /** `PRENV_RUN_ABANDON_MS`: how long another host's run counts as live (see `runHolder`). */
  abandonAfterMs?: string | undefined;
  /**
   * `--take-over`: a run with no recorded owner (the bot's, or one an older prenv left) counts
   * as gone. A run of a live prenv command is still refused.
   */
  takeOver?: boolean;
}): Promise<PrOutcome> {
  const { runtime, target, command, progress } = input;
  const { ports, settings } = runtime;
  const pr = target.pull.number;
  const before = (await ports.store.loadWorld()).world.envs[pr];
  if (command === 'destroy' && (!before || before.phase === 'absent')) return { outcome: 'absent' };
  const now = ports.context().now;
  const found = before?.run ? runHolder(before.run, now, abandonBound(input.abandonAfterMs)) : null;
  const holder: Holder | null =
    found?.state === 'bot' && input.takeOver
      ? { state: 'gone', why: 'it has no prenv command as owner and --take-over was given' }
      : found;
  if (before?.run && holder && holder.state !== 'gone') {
    throw new CliError(
      `not running ${command} of pr-${pr}: its ${before.run.kind} run ${before.run.id} is held ` +
        `by ${holder.who}; wait for it to end (\`prenv status pr-${pr}\`)` +
        // A run without an owner may also be one an older prenv command left: no bot resumes
        // it in workflow-only mode.
        (holder.state === 'bot'
          ? `. If no bot runs (workflow-only mode, or a run an older prenv left), \`prenv ${command} pr ${pr} --take-over\` takes it over`
          : ''),
      ExitCode.refused,
    );
  }
  const owner = thisOwner(now);
  const engine = new Engine({
    store: ports.store,
    github: ports.github,
    ops: opsWithProgress(ports.ops, progress, pr),
    logger: runtime.logger,
    secrets: settings.secrets,
    settleMs: 0,
    context: () => ({ ...ports.context(), runner: owner }),
  });
  const event: CommandEvent = {
    kind: 'command',
    commentId: null,
    writtenAt: null,
    actor: input.actor,
    permission: 'admin',
    command: { kind: 'command', name: command, line: 1 },
    pull: target.pull,
  };
  const retry = `prenv ${command} pr ${pr}`;
  const interrupts = catchInterrupts(input, (signal) => {
    const why = `interrupted by ${signal}; \`${retry}\` retries it`;
    engine
      .interrupt(why)
      .catch((err: unknown) =>
        runtime.logger.error('could not record the interrupted run', { error: String(err) }),
      );
  });
  try {
    if (before?.run && holder?.state === 'gone') {
      progress.warn(`taking over pr-${pr}'s ${before.run.kind} run: ${holder.why}`);
      await engine.handle({
        kind: 'run_finished',
        pr,
        runId: before.run.id,
        outcome: 'cancelled',
        error: `abandoned: ${holder.why}`,
      });
    }
    if (interrupts.signal === null) await engine.handle(event);
    await engine.idle();
    if (interrupts.signal !== null) await engine.interrupt(`interrupted by ${interrupts.signal}`);
  } finally {
    interrupts.dispose();
    await engine.stop();
  }
  const { world } = await ports.store.loadWorld();
  if (interrupts.signal !== null) {
    const env = world.envs[pr];
    const error =
      `pr-${pr} is ${env?.phase ?? 'absent'}` +
      (env?.failure ? ` (${env.failure.stage} run recorded as interrupted)` : '') +
      `; run \`${retry}\` to retry it`;
    return { outcome: 'interrupted', signal: interrupts.signal, error };
  }
  return outcomeOf(world, pr, command, target.sha, ports.context());
}

function outcomeOf(
  world: World,
  pr: number,
  command: 'deploy' | 'destroy',
  sha: string | null,
  ctx: { now: number; cap: number; previewUrl: (pr: number) => string },
): PrOutcome {
  const env = world.envs[pr];
  if (env?.phase === 'failed')
    return { outcome: 'failed', error: env.failure?.lastError ?? 'the run failed' };
  if (env?.run) {
    // idle() waits for every run this process started, so this one belongs to someone else.
    const error =
      `pr-${pr} is ${env.phase}: a ${env.run.kind} run that this command did not start is in ` +
      'flight (the bot, another prenv command, or one that was interrupted). The bot resumes ' +
      'interrupted runs when it starts (prenv serve); when neither a bot nor another prenv ' +
      `command runs, \`prenv destroy pr ${pr}\` clears it, then deploy again. See ` +
      `\`prenv status pr ${pr}\`.`;
    return { outcome: 'failed', error };
  }
  if (command === 'destroy') {
    return !env || env.phase === 'absent'
      ? { outcome: 'destroyed' }
      : { outcome: 'failed', error: `pr-${pr} is ${env.phase}, not destroyed` };
  }
  if (env?.phase === 'live' && sha !== null && env.deployedSha === sha)
    return { outcome: 'live', sha, url: ctx.previewUrl(pr) };
  if (env?.phase === 'queued') {
    return {
      outcome: 'queued',
      position: queuePositions(world).get(pr) ?? 0,
      length: queueOrder(world).length,
      cap: ctx.cap,
      atCapacity: isCapacityBlocked(world, ctx.now),
      blockedUntil: isCapacityBlocked(world, ctx.now) ? world.capacityBlockedUntil : null,
    };
  }
  const at = env?.deployedSha ? ` at ${env.deployedSha}` : '';
  return {
    outcome: 'failed',
    error: `pr-${pr} ended ${env?.phase ?? 'absent'}${at}, not live at ${sha}`,
  };
}
