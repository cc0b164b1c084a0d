import type { Command } from 'commander';
import type { Config } from '../config/config.js';
import { redact } from '../core/redact.js';
import type { CliContext } from './context.js';
import { openViewPorts } from './cli-ports.js';
import { emptyWorld } from '../core/model.js';
import { readFixedDeployments } from './fixed-deployments.js';
import type { FixedEnv, ViewInput } from './views/view-support.js';

/**
 * What `list`, `status` and `cost` show: the world from the state store and, where asked,
 * production and staging from Nomad (unknown, with a line on stderr, when Nomad cannot be read).
 * With `stateOptional`, a missing state file reads as no environments, and `noState` says so.
 */
export async function readViewInput(
  program: Command,
  ctx: CliContext,
  fixed: FixedEnv[],
  options: { stateOptional?: boolean } = {},
): Promise<{ input: ViewInput; config: Config; noState: string | null }> {
  const { config, settings, store, noState, nomad, stagingNomad, close } = await openViewPorts(
    program,
    ctx,
    { stateOptional: options.stateOptional ?? false },
  );
  try {
    const world = store ? (await store.loadWorld()).world : emptyWorld();
    const deadLetters = store ? await store.deadLetters() : [];
    const deployments =
      fixed.length > 0
        ? await readFixedDeployments(
            (env) => (env === 'staging' ? stagingNomad : nomad),
            config.project,
            fixed,
          )
        : { production: null, staging: null, warning: null };
    if (deployments.warning)
      ctx.stderr(`prenv: warning: ${redact(deployments.warning, settings.secrets)}\n`);
    return {
      config,
      noState,
      input: {
        config,
        world,
        now: ctx.now().getTime(),
        production: deployments.production,
        staging: deployments.staging,
        deadLetters,
      },
    };
  } finally {
    await close();
  }
}
