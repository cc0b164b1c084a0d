import { existsSync } from 'node:fs';
import path from 'node:path';
import type { EnvContext } from '../../../generators/env-context.js';
import { RenderError } from '../../../generators/errors.js';
import { deployPlan } from '../../../generators/deploy-plan.js';
import { createNomadClient } from '../../adapters/nomad/index.js';
import { loadJobspecSchema } from '../../adapters/nomad/jobspec-schema-file.js';
import { openSqliteStore } from '../../adapters/store/sqlite-store.js';
import type { TfVars } from '../../adapters/terraform/index.js';
import { productionFactsReader, terraformFromSettings } from '../../wiring/terraform.js';
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
import type { RuntimeSettings } from '../../wiring/settings.js';

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
  const sha = opts.sha ?? (await defaultSha(target, settings, ctx, nomad, config.project));
  const envCtx: EnvContext & { sha: string } =
    typeof target === 'number' ? { kind: 'pr', number: target, sha } : { kind: target, sha };
  const prDir = path.resolve(ctx.cwd, settings.terraform.dir);
  const dir = typeof target === 'number' ? prDir : path.join(path.dirname(prDir), target);
  const terraform = terraformFromSettings(settings, ctx.cwd, logger);
  // A PR's facts from production's outputs; the plan holds the variables prenv owns.
  const facts: TfVars =
    typeof target === 'number'
      ? await productionFactsReader(settings, ctx.cwd, terraform)().catch((err: unknown) => {
          if (err instanceof ProductionOutputsError) throw new CliError(err.message);
          throw err;
        })
      : {};
  let plan;
  try {
    // Everything a deploy would do; Terraform's plan says which servers exist already.
    plan = deployPlan({
      config,
      templates: await loadTemplates(),
      env: envCtx,
      exists: false,
      checks: { health: false, probe: false },
    });
  } catch (err) {
    if (!(err instanceof RenderError)) throw err;
    throw new CliError(`cannot render ${envCtx.kind}: ${err.message}`, ExitCode.config);
  }
  const report = await planEnvironment(
    { config, terraform, nomad, schema: loadJobspecSchema(), step: progress.step },
    plan,
    sha,
    { dir, vars: facts, display: path.relative(ctx.cwd, dir) || '.' },
  );
  const safe = redactDeep(report, settings.secrets);
  ctx.stdout(opts.json ? `${JSON.stringify(safe, null, 2)}\n` : renderPlan(safe));
  return safe.terraform.ok && safe.nomad.ok ? ExitCode.ok : ExitCode.failure;
}

async function defaultSha(
  target: number | 'production' | 'staging',
  settings: RuntimeSettings,
  ctx: CliContext,
  nomad: ReturnType<typeof createNomadClient>,
  project: string,
): Promise<string> {
  if (typeof target === 'number') {
    const file = path.resolve(ctx.cwd, settings.statePath);
    if (existsSync(file)) {
      const store = openSqliteStore(file);
      try {
        const env = (await store.loadWorld()).world.envs[target];
        const sha = env?.desiredSha ?? env?.deployedSha ?? null;
        if (sha) return sha;
      } finally {
        await store.close();
      }
    }
    throw new CliError(
      `pr-${target} has no commit to plan in the state: pass --sha <commit>`,
      ExitCode.usage,
    );
  }
  const deployed = await readFixedDeployments(nomad, project, [target]);
  const sha = deployed[target]?.deployedSha;
  if (sha) return sha;
  throw new CliError(
    `${target} has no deployed commit${deployed.warning ? ` (${deployed.warning})` : ''}: pass --sha <commit>`,
    ExitCode.usage,
  );
}
