import path from 'node:path';
import type { EnvContext } from '../../../generators/env-context.js';
import { RenderError } from '../../../generators/errors.js';
import { terraformVariables } from '../../../generators/terraform/tfvars.js';
import { createNomadClient } from '../../adapters/nomad/index.js';
import { loadJobspecSchema } from '../../adapters/nomad/jobspec-schema-file.js';
import { openStateStore } from '../../adapters/store/open-store.js';
import { StateStoreError } from '../../adapters/store/store-error.js';
import { stateTarget } from '../../server/state-target.js';
import type { Config } from '../../config/config.js';
import type { TfVars } from '../../adapters/terraform/index.js';
import {
  productionFactsReader,
  terraformFromSettings,
} from '../../server/terraform-from-settings.js';
import { ProductionOutputsError } from '../../../generators/terraform/production-outputs.js';
import { loadTemplates } from '../../adapters/templates/load-templates.js';
import { redactDeep } from '../../core/redact.js';
import { loadCliSettings } from '../cli-ports.js';
import type { CliContext } from '../context.js';
import { parseEnvTarget } from '../env-target.js';
import { checkShaOption } from '../deploy/target-args.js';
import { CliError, ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { readFixedDeployments } from '../fixed-deployments.js';
import { planEnvironment, renderPlan } from '../plan-run.js';
import type { ActionInput } from '../command-spec.js';
import { createProgress, progressLogger } from '../progress.js';
import type { RuntimeSettings } from '../../server/serve-settings.js';

interface PlanOptions {
  sha?: string;
  json?: boolean;
}

export async function action({
  ctx,
  program,
  args,
  opts,
}: ActionInput<PlanOptions>): Promise<ExitCodeValue> {
  const [env, number] = args as [string, string | undefined];
  const target = parseEnvTarget(env, number, 'plan');
  checkShaOption(opts.sha);
  const { config, settings } = await loadCliSettings(program, ctx);
  const progress = createProgress(ctx, settings.secrets);
  const logger = progressLogger(progress);
  const nomad = createNomadClient({
    baseUrl: settings.nomad.url,
    fetch,
    logger,
    ...(settings.nomad.token ? { token: settings.nomad.token } : {}),
  });
  const sha = opts.sha ?? (await defaultSha(target, settings, ctx, nomad, config));
  const envCtx: EnvContext & { sha: string } =
    typeof target === 'number' ? { kind: 'pr', number: target, sha } : { kind: target, sha };
  const prDir = path.resolve(ctx.cwd, settings.terraform.dir);
  const dir = typeof target === 'number' ? prDir : path.join(path.dirname(prDir), target);
  const terraform = terraformFromSettings(settings, ctx.cwd, logger);
  const vars: TfVars = {
    ...(terraformVariables(config, envCtx) as TfVars),
    ...(typeof target === 'number'
      ? await productionFactsReader(settings, ctx.cwd, terraform)().catch((err: unknown) => {
          if (err instanceof ProductionOutputsError) throw new CliError(err.message);
          throw err;
        })
      : {}),
  };
  let report;
  try {
    report = await planEnvironment(
      {
        config,
        terraform,
        nomad,
        templates: await loadTemplates(),
        schema: loadJobspecSchema(),
        step: progress.step,
      },
      envCtx,
      { dir, vars, display: path.relative(ctx.cwd, dir) || '.' },
    );
  } catch (err) {
    if (!(err instanceof RenderError)) throw err;
    throw new CliError(`cannot render ${envCtx.kind}: ${err.message}`, ExitCode.config);
  }
  const safe = redactDeep(report, settings.secrets);
  ctx.stdout(opts.json ? `${JSON.stringify(safe, null, 2)}\n` : renderPlan(safe));
  return safe.terraform.ok && safe.nomad.ok ? ExitCode.ok : ExitCode.failure;
}

async function defaultSha(
  target: number | 'production' | 'staging',
  settings: RuntimeSettings,
  ctx: CliContext,
  nomad: ReturnType<typeof createNomadClient>,
  config: Config,
): Promise<string> {
  if (typeof target === 'number') {
    // A state that is not there (no file yet) has no commit for the PR either.
    const opened = await openStateStore(stateTarget(config, settings, ctx.cwd), {
      mustExist: true,
    }).catch((err: unknown) => {
      if (err instanceof StateStoreError && err.code === 'ENOENT') return null;
      throw err;
    });
    if (opened) {
      try {
        const env = (await opened.store.loadWorld()).world.envs[target];
        const sha = env?.desiredSha ?? env?.deployedSha ?? null;
        if (sha) return sha;
      } finally {
        await opened.store.close();
      }
    }
    throw new CliError(
      `pr-${target} has no commit to plan in the state: pass --sha <commit>`,
      ExitCode.usage,
    );
  }
  const deployed = await readFixedDeployments(nomad, config.project, [target]);
  const sha = deployed[target]?.deployedSha;
  if (sha) return sha;
  throw new CliError(
    `${target} has no deployed commit${deployed.warning ? ` (${deployed.warning})` : ''}: pass --sha <commit>`,
    ExitCode.usage,
  );
}
