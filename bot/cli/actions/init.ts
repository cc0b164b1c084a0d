import { access, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDocument, stringify } from 'yaml';
import { importCompose } from '../../../generators/compose/from-compose.js';
import { formatDropped, groupDropped } from '../../../generators/compose/dropped-keys.js';
import { prenvName } from '../../../generators/compose/compose-values.js';
import { parseConfig, ConfigError } from '../../config/load.js';
import type { CliContext } from '../context.js';
import { CliError, ExitCode, type ExitCodeValue } from '../exit-codes.js';
import type { ActionInput } from '../command-spec.js';

interface InitOptions {
  fromCompose?: string;
  out: string;
  project?: string;
  github?: string;
  domain?: string;
  force?: boolean;
  json?: boolean;
}

export async function action({
  ctx,

  opts,
}: ActionInput<InitOptions>): Promise<ExitCodeValue> {
  return initFromCompose(opts, ctx);
}

async function initFromCompose(opts: InitOptions, ctx: CliContext) {
  const composeFile = path.resolve(ctx.cwd, opts.fromCompose ?? '');
  const outFile = path.resolve(ctx.cwd, opts.out);
  const text = await readFile(composeFile, 'utf8').catch(() => {
    throw new CliError(`cannot read Compose file ${opts.fromCompose}`, ExitCode.usage);
  });
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    throw new CliError(
      `${opts.fromCompose}: not valid YAML: ${doc.errors[0]?.message.split('\n')[0]}`,
      ExitCode.usage,
    );
  }
  const compose = doc.toJS() as Record<string, unknown> | null;
  if (!compose || typeof compose.services !== 'object') {
    throw new CliError(
      `${opts.fromCompose}: no "services" found; is this a Compose file?`,
      ExitCode.usage,
    );
  }
  const project = prenvName(
    opts.project ??
      (typeof compose.name === 'string' ? compose.name : path.basename(path.dirname(composeFile))),
  );
  const [owner = 'CHANGE-ME', repo = project] = (opts.github ?? '').split('/').filter(Boolean);
  const imported = importCompose(compose, {
    project,
    github: { owner, repo },
    domain: opts.domain ?? `${project}.example.com`,
  });
  const yamlText =
    header(opts.fromCompose ?? '', !opts.github, !opts.domain) +
    stringify(imported.config, { lineWidth: 0 });
  const check = parseConfig(yamlText, opts.out);
  if (!check.ok)
    throw new CliError(
      `the generated prenv.yml does not validate:\n${new ConfigError(check.problems).message}`,
    );
  if (!opts.force && (await exists(outFile))) {
    throw new CliError(
      `${opts.out} exists; pass --force to overwrite it or --out to write elsewhere`,
      ExitCode.refused,
    );
  }
  await writeFile(outFile, yamlText);
  const groups = groupDropped(imported.dropped);
  if (opts.json) {
    ctx.stdout(
      `${JSON.stringify({ file: opts.out, services: Object.keys(check.config.services), dropped: groups, notes: imported.notes }, null, 2)}\n`,
    );
  } else {
    ctx.stdout(
      `Wrote ${opts.out} with ${Object.keys(check.config.services).length} service(s).\n${formatDropped(groups)}`,
    );
    if (imported.notes.length > 0)
      ctx.stdout(
        `Secrets to store in Consul KV:\n${imported.notes.map((n) => `  - ${n}`).join('\n')}\n`,
      );
  }
  return ExitCode.ok;
}

function header(source: string, needsGithub: boolean, needsDomain: boolean): string {
  const todo = [needsGithub ? 'github (owner/repo)' : '', needsDomain ? 'domain' : ''].filter(
    Boolean,
  );
  const lines = [`# Written by \`prenv init --from-compose ${path.basename(source)}\`.`];
  if (todo.length > 0) lines.push(`# Fill in: ${todo.join(', ')}.`);
  return `${lines.join('\n')}\n`;
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}
