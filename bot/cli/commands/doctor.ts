import type { Command } from 'commander';
import { probeTool, type ExternalTool } from '../../adapters/system/tool-probe.js';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { buildDoctorReport, formatDoctorReport, type LockFileReport } from '../doctor-report.js';
import { readConfigFile } from '../config-file.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import type { ActionRunner } from '../program.js';

const TOOLS: ExternalTool[] = ['terraform', 'nomad', 'consul', 'caddy'];

export function registerDoctor(program: Command, ctx: CliContext, run: ActionRunner): void {
  program
    .command('doctor')
    .description('check Node, the external tools, and prenv.yml')
    .option('--json', 'print one JSON object')
    .action((opts: { json?: boolean }) =>
      run(async () => {
        const configFile = program.opts<{ config: string }>().config;
        const [tools, config] = await Promise.all([
          Promise.all(TOOLS.map((t) => probeTool(t, ctx.env))),
          readConfigFile(configFile, ctx.cwd),
        ]);
        const lockFiles = await lockFileReports(ctx.cwd, ctx.env);
        const report = buildDoctorReport({
          nodeVersion: process.version,
          tools,
          config,
          lockFiles,
        });
        ctx.stdout(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatDoctorReport(report));
        return report.ok ? ExitCode.ok : ExitCode.failure;
      }),
    );
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
