import type { Command } from 'commander';
import type { Config } from '../config/config.js';
import { redact } from '../core/redact.js';
import type { CliContext } from './context.js';
import { openReadPorts } from './cli-ports.js';
import { readFixedDeployments } from './fixed-deployments.js';
import type { FixedEnv, ViewInput } from './views/view-support.js';

/**
 * What `list`, `status` and `cost` show: the world from the state store and, where asked,
 * production and staging from Nomad (unknown, with a line on stderr, when Nomad cannot be read).
 */
export async function readViewInput(
  program: Command,
  ctx: CliContext,
  fixed: FixedEnv[],
): Promise<{ input: ViewInput; config: Config }> {
  const { config, settings, store, nomad, stagingNomad, close } = await openReadPorts(program, ctx);
  try {
    const { world } = await store.loadWorld();
    const deadLetters = await store.deadLetters();
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
