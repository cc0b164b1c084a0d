import type { Config } from '../bot/config/config.js';
import { capacityProblems } from './capacity.js';
import { renderCaddyfile } from './caddy/caddyfile.js';
import { caddyRoute } from './caddy/route-json.js';
import { envRoutes } from './caddy/routes.js';
import type { EnvContext } from './env-context.js';
import { RenderError, type RenderProblem } from './errors.js';
import { backupJobViews } from './nomad/backup-views.js';
import { periodicJobViews, serviceJobView } from './nomad/job-views.js';
import { checkSha } from './resolve.js';
import { rendererFor, type TemplateSources } from './templates.js';
import { terraformVariables } from './terraform/tfvars.js';

export type RenderedKind = 'nomad-job' | 'caddyfile' | 'caddy-route' | 'tfvars';

export interface RenderedFile {
  /** File name inside the output folder, e.g. `aipacto-pr-7.nomad.hcl`. */
  path: string;
  kind: RenderedKind;
  content: string;
}

export const CADDYFILE = 'Caddyfile';
export const CADDY_ROUTE_FILE = 'caddy-route.json';
export const TFVARS_FILE = 'terraform.tfvars.json';

/**
 * Every file of one environment: its Nomad jobs, its Caddy config and its Terraform
 * variables. Pure and deterministic; throws RenderError listing every problem at once.
 */
export function renderEnvironment(
  config: Config,
  ctx: EnvContext,
  templates: TemplateSources,
): RenderedFile[] {
  const problems: RenderProblem[] = [...checkSha(ctx)];
  const serviceJob = serviceJobView(config, ctx, problems);
  const periodicJobs = periodicJobViews(config, ctx, problems);
  const backupJobs = backupJobViews(config, ctx, problems);
  problems.push(...capacityProblems(config, ctx.kind));
  if (problems.length > 0) throw new RenderError(dedupe(problems));

  const renderer = rendererFor(templates);
  const routes = envRoutes(config, ctx);
  return [
    {
      path: `${serviceJob.name}.nomad.hcl`,
      kind: 'nomad-job',
      content: renderer.serviceJob(serviceJob),
    },
    ...periodicJobs.map((job) => ({
      path: `${job.name}.nomad.hcl`,
      kind: 'nomad-job' as const,
      content: renderer.periodicJob(job),
    })),
    ...backupJobs.map((job) => ({
      path: `${job.name}.nomad.hcl`,
      kind: 'nomad-job' as const,
      content: renderer.backupJob(job),
    })),
    { path: CADDYFILE, kind: 'caddyfile', content: renderCaddyfile(config, routes, renderer) },
    { path: CADDY_ROUTE_FILE, kind: 'caddy-route', content: jsonFile(caddyRoute(routes)) },
    { path: TFVARS_FILE, kind: 'tfvars', content: jsonFile(terraformVariables(config, ctx)) },
  ];
}

function jsonFile(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function dedupe(problems: RenderProblem[]): RenderProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path}\n${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
