import { holdsSlot } from '../../core/slots.js';
import type { CliContext } from '../context.js';
import { CliError, ExitCode, type ExitCodeValue } from '../exit-codes.js';
import type { ActionInput } from '../command-spec.js';
import { confirmChange } from '../deploy/confirm.js';
import { runTargetCommand } from '../deploy/run-target.js';
import { loadConfigFile, type CliRuntime } from '../deploy/runtime.js';
import { parseTarget, type CliTarget } from '../deploy/target-args.js';

interface DestroyOptions {
  yes?: boolean;
  json?: boolean;
  takeOver?: boolean;
}

export async function action({
  ctx,
  program,
  args,
  opts,
}: ActionInput<DestroyOptions>): Promise<ExitCodeValue> {
  const [env, number] = args as [string, string | undefined];
  const target = parseTarget('destroy', env, number);
  const configFile = program.opts<{ config: string }>().config;
  return destroy(ctx, target, configFile, opts);
}

async function destroy(
  ctx: CliContext,
  target: CliTarget,
  configFile: string,
  opts: DestroyOptions,
): Promise<ExitCodeValue> {
  const loaded = await loadConfigFile(ctx, configFile);
  if (target.kind !== 'pr') {
    await confirmChange(ctx, {
      yes: opts.yes,
      project: loaded.config.project,
      what: `Destroying ${target.kind} of ${loaded.config.project}: its servers, jobs and route`,
    });
  }
  return runTargetCommand({
    ctx,
    loaded,
    target,
    command: 'destroy',
    sha: undefined,
    json: !!opts.json,
    takeOver: !!opts.takeOver,
    ...(target.kind === 'production' ? { beforeCluster: refuseWithPreviews } : {}),
  });
}

/** Preview nodes live on production's network and join its Nomad: they must go first. */
async function refuseWithPreviews(runtime: CliRuntime): Promise<void> {
  const { world } = await runtime.ports.store.loadWorld();
  const live = Object.values(world.envs)
    .filter((env) => holdsSlot(env.phase))
    .map((env) => `pr-${env.pr}`);
  if (live.length === 0) return;
  throw new CliError(
    `refusing to destroy production while PR environments use its network and Nomad: ` +
      `${live.join(', ')}. Destroy them first (prenv destroy pr <number>).`,
    ExitCode.refused,
  );
}
