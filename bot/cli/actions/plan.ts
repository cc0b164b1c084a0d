import path from 'node:path';
import { envName, type EnvContext } from '../../../generators/env-context.js';
import { RenderError } from '../../../generators/errors.js';
import { deployPlan, describeStep, type DeployPlan } from '../../../generators/deploy-plan.js';
import type { EnvRecord, Phase } from '../../core/model.js';
import { createNomadClient } from '../../adapters/nomad/index.js';
import { loadJobspecSchema } from '../../adapters/nomad/jobspec-schema-file.js';
import { isMissingState, openStateStore } from '../../adapters/store/open-store.js';
import { stateTarget } from '../../wiring/state-target.js';
import type { Config } from '../../config/config.js';
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
import { renderFailure } from '../render-failure.js';
import { planEnvironment, renderPlan } from '../plan-run.js';
import type { ActionInput } from '../command-spec.js';
import { createProgress, progressLogger } from '../progress.js';
import type { RuntimeSettings } from '../../wiring/settings.js';

interface PlanOptions {
  sha?: string;
  json?: boolean;
  steps?: boolean;
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
  const prEnv =
    typeof target === 'number' ? await readPrEnv(config, settings, ctx, target) : undefined;
  const sha = opts.sha ?? (await defaultSha(target, prEnv, nomad, config));
  const envCtx: EnvContext & { sha: string } =
    typeof target === 'number' ? { kind: 'pr', number: target, sha } : { kind: target, sha };
  const templates = await loadTemplates();
  const planFor = (exists: boolean, checks: { health: boolean; probe: boolean }) => {
    try {
      return deployPlan({ config, templates, env: envCtx, exists, checks });
    } catch (err) {
      if (!(err instanceof RenderError)) throw err;
      throw renderFailure(envName(envCtx), err, program.opts<{ config: string }>().config, ctx.cwd);
    }
  };
  if (opts.steps) {
    // The steps `prenv deploy` (or the bot) would run now; nothing is asked of Terraform.
    const exists = prEnv ? PROVISIONED.has(prEnv.phase) : typeof target !== 'number';
    const plan = planFor(exists, { health: true, probe: settings.caddyHttpUrl !== undefined });
    ctx.stdout(
      opts.json ? `${JSON.stringify(stepsJson(plan, sha), null, 2)}\n` : stepsText(plan, sha),
    );
    return ExitCode.ok;
  }
  const prDir = path.resolve(ctx.cwd, settings.terraform.dir);
  const dir = typeof target === 'number' ? prDir : path.join(path.dirname(prDir), target);
  const terraform = await terraformFromSettings(settings, ctx.cwd, logger);
  // A PR's facts from production's outputs; the plan holds the variables prenv owns.
  const facts: TfVars =
    typeof target === 'number'
      ? await productionFactsReader(settings, ctx.cwd, terraform)().catch((err: unknown) => {
          if (err instanceof ProductionOutputsError) throw new CliError(err.message);
          throw err;
        })
      : {};
  // Everything a deploy would do; Terraform's plan says which servers exist already.
  const plan = planFor(false, { health: false, probe: false });
  let report;
  try {
    report = await planEnvironment(
      {
        config,
        terraform,
        nomad,
        schema: loadJobspecSchema(),
        step: (name) => progress.start(name),
      },
      plan,
      sha,
      { dir, vars: facts, display: path.relative(ctx.cwd, dir) || '.' },
    );
  } catch (err) {
    progress.endAll('failed');
    throw err;
  }
  progress.endAll(report.terraform.ok && report.nomad.ok ? 'ok' : 'failed');
  const safe = redactDeep(report, settings.secrets);
  ctx.stdout(opts.json ? `${JSON.stringify(safe, null, 2)}\n` : renderPlan(safe));
  return safe.terraform.ok && safe.nomad.ok ? ExitCode.ok : ExitCode.failure;
}

/** Phases of a PR env whose preview node exists: a deploy only releases on it. */
const PROVISIONED = new Set<Phase>(['deploying', 'live', 'redeploying']);

/** `prenv plan --steps`: the deploy plan, one line a step. */
function stepsText(plan: DeployPlan, sha: string): string {
  const lines = [
    `Steps to deploy ${plan.env} at ${sha.slice(0, 12)} (${plan.url}); nothing was run.`,
    '',
  ];
  plan.steps.forEach((step, i) =>
    lines.push(`${String(i + 1).padStart(3)}. ${describeStep(step)}`),
  );
  return lines.join('\n') + '\n';
}

/** `prenv plan --steps --json`: `env`, `sha`, `url`, `steps` [{kind, description}]. */
function stepsJson(plan: DeployPlan, sha: string) {
  const steps = plan.steps.map((step) => ({ kind: step.kind, description: describeStep(step) }));
  return { env: plan.env, sha, url: plan.url, steps };
}

/** The PR's record in the state (SQLite file or Consul KV), when there is one. */
async function readPrEnv(
  config: Config,
  settings: RuntimeSettings,
  ctx: CliContext,
  pr: number,
): Promise<EnvRecord | undefined> {
  // A state that is not there (no file yet) has no record of the PR either.
  const opened = await openStateStore(stateTarget(config, settings, ctx.cwd), {
    mustExist: true,
  }).catch((err: unknown) => {
    if (isMissingState(err)) return null;
    throw err;
  });
  if (!opened) return undefined;
  try {
    return (await opened.store.loadWorld()).world.envs[pr];
  } finally {
    await opened.store.close();
  }
}

async function defaultSha(
  target: number | 'production' | 'staging',
  prEnv: EnvRecord | undefined,
  nomad: ReturnType<typeof createNomadClient>,
  config: Config,
): Promise<string> {
  if (typeof target === 'number') {
    const sha = prEnv?.desiredSha ?? prEnv?.deployedSha ?? null;
    if (sha) return sha;
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
