import type { Command } from 'commander';
import { probeTool, type ExternalTool } from '../../adapters/system/tool-probe.js';
import { buildDoctorReport, formatDoctorReport } from '../doctor-report.js';
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
        const report = buildDoctorReport({ nodeVersion: process.version, tools, config });
        ctx.stdout(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatDoctorReport(report));
        return report.ok ? ExitCode.ok : ExitCode.failure;
      }),
    );
}
