import { existsSync } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { PACKAGE_ROOT } from '../../adapters/system/package-root.js';
import { probeTool, type ExternalTool } from '../../adapters/system/tool-probe.js';
import { readRequiredVersions } from '../../adapters/terraform/required-version.js';
import { probeEndpoints } from '../reach/endpoint-probe.js';
import { capacityCheck, serverTypeChecks } from '../doctor-cloud.js';
import { buildDoctorReport, formatDoctorReport, type LockFileReport } from '../doctor-report.js';
import { readConfigFile } from '../config-file.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import type { ActionInput } from '../command-spec.js';

const TOOLS: ExternalTool[] = ['terraform', 'nomad', 'consul', 'caddy'];

export async function action({
  ctx,
  program,

  opts,
}: ActionInput<{ json?: boolean; offline?: boolean }>): Promise<ExitCodeValue> {
  const configFile = program.opts<{ config: string }>().config;
  const online = !opts.offline;
  const [tools, config, terraformRequired, endpoints] = await Promise.all([
    Promise.all(TOOLS.map((t) => probeTool(t, ctx.env))),
    readConfigFile(configFile, ctx.cwd),
    readRequiredVersions(terraformRoot(ctx.cwd, ctx.env)),
    online ? probeEndpoints(ctx.env, fetch) : Promise.resolve([]),
  ]);
  const cloud = config.ok
    ? await serverTypeChecks(config.config, ctx.env, { online, fetch, now: ctx.now().getTime() })
    : null;
  const report = buildDoctorReport({
    nodeVersion: process.version,
    tools,
    config,
    terraformRequired,
    lockFiles: await lockFileReports(ctx.cwd, ctx.env),
    ...(cloud ? { serverTypes: cloud.findings } : {}),
    more: [
      ...(cloud?.api ? [cloud.api] : []),
      ...(config.ok ? [capacityCheck(config.config)] : []),
      ...endpoints,
    ],
  });
  ctx.stdout(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatDoctorReport(report));
  return report.ok ? ExitCode.ok : ExitCode.failure;
}

/**
 * The `terraform/` folder whose modules prenv runs: two levels above PRENV_TERRAFORM_DIR
 * (default `terraform/environments/pr`), or prenv's own modules when the project has none.
 */
function terraformRoot(cwd: string, env: Record<string, string | undefined>): string {
  const prDir = path.resolve(cwd, env.PRENV_TERRAFORM_DIR ?? 'terraform/environments/pr');
  const root = path.dirname(path.dirname(prDir));
  return existsSync(root) ? root : path.join(PACKAGE_ROOT, 'terraform');
}

/**
 * The `.terraform.lock.hcl` of production, staging and pr, beside the PR module directory
 * (`PRENV_TERRAFORM_DIR`, default `terraform/environments/pr`).
 */
async function lockFileReports(
  cwd: string,
  env: Record<string, string | undefined>,
): Promise<LockFileReport[]> {
  const prDir = path.resolve(cwd, env.PRENV_TERRAFORM_DIR ?? 'terraform/environments/pr');
  const root = path.dirname(prDir);
  return Promise.all(
    ['production', 'staging', path.basename(prDir)].map(async (environment) => {
      const file = path.join(root, environment, '.terraform.lock.hcl');
      const present = await access(file).then(
        () => true,
        () => false,
      );
      return { environment, file: path.relative(cwd, file), present };
    }),
  );
}
