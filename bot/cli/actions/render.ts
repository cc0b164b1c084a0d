import path from 'node:path';
import { loadJobspecSchema } from '../../adapters/nomad/jobspec-schema-file.js';
import {
  formatProblem,
  renderAndValidate,
  type RenderReport,
} from '../../adapters/render/render-and-validate.js';
import { findTool } from '../../adapters/system/tool-probe.js';
import { envName, type EnvContext } from '../../../generators/env-context.js';
import { RenderError } from '../../../generators/errors.js';
import { loadCliTemplates } from '../cli-templates.js';
import { requireConfig } from '../config-file.js';
import { CliError, ExitCode, type ExitCodeValue } from '../exit-codes.js';
import type { ActionInput } from '../command-spec.js';
import { checkShaOption, parseTarget } from '../deploy/target-args.js';
import { jobSchedules, scheduleLines, type JobSchedule } from '../views/schedule-view.js';
import { renderBot, type RenderBotOptions } from './render-bot.js';
import { pathOption } from '../path-option.js';
import { renderFailure } from '../render-failure.js';
import { writeOut } from '../write-out.js';

/** How many next runs of each periodic job `render` shows. */
const NEXT_RUNS = 3;

interface RenderOptions extends RenderBotOptions {
  sha?: string;
  branch?: string;
  title?: string;
  out?: string;
  check?: boolean;
  json?: boolean;
}

export async function action({
  ctx,
  program,
  args,
  opts,
}: ActionInput<RenderOptions>): Promise<ExitCodeValue> {
  const [env, number] = args as [string, string | undefined];
  pathOption('--out', opts.out);
  const configFile = program.opts<{ config: string }>().config;
  if (env === 'bot') return renderBot(ctx, await requireConfig(configFile, ctx.cwd, ctx.env), opts);
  if (opts.image !== undefined || opts.host !== undefined)
    throw new CliError('--image and --host only apply to `prenv render bot`', ExitCode.usage);
  const envCtx = parseEnvContext(env, number, opts);
  const config = await requireConfig(configFile, ctx.cwd, ctx.env);
  let report: RenderReport;
  try {
    report = await renderAndValidate(config, envCtx, await loadCliTemplates(ctx), {
      schema: loadJobspecSchema(),
      caddyPath: (await findTool('caddy', ctx.env)) ?? null,
    });
  } catch (err) {
    if (!(err instanceof RenderError)) throw err;
    throw renderFailure(envName(envCtx), err, configFile, ctx.cwd);
  }
  const outDir = path.resolve(ctx.cwd, opts.out ?? path.join('rendered', envName(envCtx)));
  const write = report.ok && !opts.check;
  if (write) await writeOut(outDir, report.files, opts.out !== undefined);
  const schedules = jobSchedules(config, envCtx, ctx.now(), NEXT_RUNS);
  ctx.stdout(
    opts.json
      ? jsonReport(report, envCtx, outDir, write, schedules)
      : textReport(report, outDir, write, ctx.cwd, schedules),
  );
  return report.ok ? ExitCode.ok : ExitCode.failure;
}

export function parseEnvContext(
  env: string,
  number: string | undefined,
  opts: RenderOptions,
): EnvContext {
  const target = parseTarget('render', env, number);
  checkShaOption(opts.sha);
  if (target.kind === 'pr') {
    return { kind: 'pr', number: target.pr, sha: opts.sha, branch: opts.branch, title: opts.title };
  }
  if (opts.branch !== undefined || opts.title !== undefined) {
    throw new CliError(
      '--branch and --title only apply to `prenv render pr <number>`',
      ExitCode.usage,
    );
  }
  return { kind: target.kind, sha: opts.sha };
}

function textReport(
  report: RenderReport,
  outDir: string,
  written: boolean,
  cwd: string,
  schedules: JobSchedule[],
): string {
  const lines: string[] = [];
  for (const check of report.checks) {
    const status = check.errors.length > 0 ? 'FAIL' : 'ok  ';
    const where = written ? path.relative(cwd, path.join(outDir, check.path)) : check.path;
    const checked = check.checks.length > 0 ? `  (${check.checks.join(', ')})` : '';
    lines.push(`${status}  ${where}${checked}`);
    lines.push(...check.errors.map((e) => `      ${formatProblem(e)}`));
    lines.push(...check.warnings.map((w) => `      warning: ${w}`));
  }
  lines.push(...scheduleLines(schedules));
  if (!report.ok)
    lines.push(
      'Nothing was written: fix the errors above (they are bugs in a template or in prenv).',
    );
  return `${lines.join('\n')}\n`;
}

function jsonReport(
  report: RenderReport,
  ctx: EnvContext,
  outDir: string,
  written: boolean,
  schedules: JobSchedule[],
): string {
  const value = {
    env: envName(ctx),
    ok: report.ok,
    out: written ? outDir : null,
    files: report.checks.map((c) => ({
      path: c.path,
      kind: c.kind,
      checks: c.checks,
      errors: c.errors,
      warnings: c.warnings,
    })),
    schedules,
  };
  return `${JSON.stringify(value, null, 2)}\n`;
}
