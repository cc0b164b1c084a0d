import path from 'node:path';
import { loadJobspecSchema } from '../../adapters/nomad/jobspec-schema-file.js';
import { loadTemplates } from '../../adapters/templates/load-templates.js';
import type { Config } from '../../config/config.js';
import { isHostname, isImageReference } from '../../config/names.js';
import { botJobName, botRoute, renderBotJob } from '../../../generators/nomad/bot-job.js';
import { webhookHostOf } from '../../../generators/nomad/webhook-host.js';
import { checkJobFile } from '../../../generators/validate/job-file.js';
import type { CliContext } from '../context.js';
import { CliError, ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { writeOut } from '../write-out.js';

export interface RenderBotOptions {
  image?: string;
  host?: string;
  out?: string;
  check?: boolean;
  json?: boolean;
}

/**
 * `prenv render bot --image REF [--host H]`: the bot's Nomad job (validated like every job)
 * and the Caddy route of its webhook host, for `nomad job run` and Caddy's admin API.
 */
export async function renderBot(
  ctx: CliContext,
  config: Config,
  opts: RenderBotOptions,
): Promise<ExitCodeValue> {
  if (!opts.image)
    throw new CliError(
      "`prenv render bot` needs --image, the image built from prenv's Dockerfile (e.g. ghcr.io/acme/prenv:0.1.0)",
      ExitCode.usage,
    );
  if (!isImageReference(opts.image))
    throw new CliError(
      `--image must be an image reference such as ghcr.io/acme/prenv:0.1.0, got ${JSON.stringify(opts.image)}`,
      ExitCode.usage,
    );
  if (opts.host !== undefined && !isHostname(opts.host))
    throw new CliError(
      `--host must be a lowercase DNS name such as prenv.example.com, got ${JSON.stringify(opts.host)}`,
      ExitCode.usage,
    );
  const { host, clash } = webhookHostOf(config, opts.host, '--host');
  if (clash) throw new CliError(clash, opts.host === undefined ? ExitCode.config : ExitCode.usage);
  const options = { image: opts.image, host };
  const name = botJobName(options);
  const job = {
    path: `${name}.nomad.hcl`,
    content: renderBotJob(config, options, await loadTemplates()),
  };
  const route = {
    path: `${name}.caddy-route.json`,
    content: `${JSON.stringify(botRoute(config, host), null, 2)}\n`,
  };
  const check = await checkJobFile(job.path, job.content, loadJobspecSchema());
  const outDir = path.resolve(ctx.cwd, opts.out ?? path.join('rendered', 'bot'));
  const write = check.ok && !opts.check;
  if (write) await writeOut(outDir, [job, route], opts.out !== undefined);
  const where = (file: string) => (write ? path.relative(ctx.cwd, path.join(outDir, file)) : file);
  if (opts.json) {
    ctx.stdout(
      `${JSON.stringify(
        {
          env: 'bot',
          ok: check.ok,
          out: write ? outDir : null,
          host,
          files: [
            { path: job.path, errors: check.ok ? [] : [check.message] },
            { path: route.path, errors: [] },
          ],
        },
        null,
        2,
      )}\n`,
    );
  } else {
    const lines = check.ok
      ? [
          `ok    ${where(job.path)}  (HCL, jobspec)`,
          `ok    ${where(route.path)}  (webhook host ${host})`,
        ]
      : [`FAIL  ${job.path}`, `      ${check.message}`];
    ctx.stdout(`${lines.join('\n')}\n`);
  }
  return check.ok ? ExitCode.ok : ExitCode.failure;
}
