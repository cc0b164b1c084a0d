import { access, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { loadComposeSchema } from '../../adapters/compose/compose-schema-file.js';
import {
  readProxyConfigs,
  readServiceEnvFiles,
  readVariables,
} from '../../adapters/compose/read-compose.js';
import { readIncluded } from '../../adapters/compose/read-included.js';
import { loadJobspecSchema } from '../../adapters/nomad/jobspec-schema-file.js';
import { formatProblem, renderAndValidate } from '../../adapters/render/render-and-validate.js';
import { findTool } from '../../adapters/system/tool-probe.js';
import { capacityProblems, serverTypeThatFits } from '../../../generators/capacity.js';
import { composeSchemaProblems } from '../../../generators/compose/compose-schema.js';
import { prenvName } from '../../../generators/compose/compose-values.js';
import {
  formatComposeProblem,
  parseComposeYaml,
  type ComposeProblem,
  type ComposeSource,
} from '../../../generators/compose/compose-yaml.js';
import { formatDropped, groupDropped } from '../../../generators/compose/dropped-keys.js';
import { importCompose, type ComposeImport } from '../../../generators/compose/from-compose.js';
import { parseDotEnv } from '../../../generators/compose/interpolate.js';
import { interpolateCompose } from '../../../generators/compose/interpolate-compose.js';
import { envName, type EnvContext } from '../../../generators/env-context.js';
import { RenderError } from '../../../generators/errors.js';
import { parseConfig, ConfigError } from '../../config/load.js';
import type { Config } from '../../config/config.js';
import type { EnvironmentKind } from '../../config/schema.js';
import type { CliContext } from '../context.js';
import { CliError, ExitCode, type ExitCodeValue } from '../exit-codes.js';
import type { ActionInput } from '../command-spec.js';
import { loadCliTemplates } from '../cli-templates.js';
import { pathOption } from '../path-option.js';

interface InitOptions {
  fromCompose?: string;
  out: string;
  project?: string;
  github?: string;
  domain?: string;
  envFile: string[];
  profile: string[];
  force?: boolean;
  json?: boolean;
}

/** The environments `init` renders and checks before it writes, as `prenv render --check` would. */
const CHECKED: EnvContext[] = [
  { kind: 'production', sha: 'init-check' },
  { kind: 'staging', sha: 'init-check' },
  { kind: 'pr', number: 7, sha: 'init-check' },
];

export async function action({ ctx, opts }: ActionInput<InitOptions>): Promise<ExitCodeValue> {
  return initFromCompose(opts, ctx);
}

async function initFromCompose(opts: InitOptions, ctx: CliContext) {
  const shown = opts.fromCompose ?? '';
  const composeFile = path.resolve(ctx.cwd, shown);
  const outFile = path.resolve(ctx.cwd, pathOption('--out', opts.out));
  const text = await readFile(composeFile, 'utf8').catch(() => {
    throw new CliError(`cannot read Compose file ${shown}`, ExitCode.usage);
  });
  const source = orFail(parseComposeYaml(text, shown));
  const raw = source.value as Record<string, unknown> | null;
  if (!raw || typeof raw !== 'object' || typeof raw.services !== 'object' || !raw.services) {
    throw new CliError(`${shown}: no "services" found; is this a Compose file?`, ExitCode.usage);
  }

  const envFiles = await readVariables(composeFile, opts.envFile, ctx.cwd).catch((err: Error) => {
    throw new CliError(`cannot read env file: ${err.message}`, ExitCode.usage);
  });
  const variables: Record<string, string> = {};
  for (const f of envFiles) Object.assign(variables, parseDotEnv(f.text, variables));
  const interpolated = interpolateCompose(raw, variables);
  failAt(source, interpolated.problems);
  const brought = await readIncluded(
    composeFile,
    interpolated.value as Record<string, unknown>,
    variables,
  );
  if (brought.errors.length > 0) throw new CliError(brought.errors.join('\n'), ExitCode.config);
  interpolated.secretRefs.push(...brought.secretRefs);
  interpolated.unset.push(...brought.unset);
  const compose = brought.doc;
  failAt(source, composeSchemaProblems(compose, loadComposeSchema()), 'Compose specification: ');

  const project = prenvName(
    opts.project ??
      (typeof compose.name === 'string' ? compose.name : path.basename(path.dirname(composeFile))),
  );
  const [owner = 'CHANGE-ME', repo = project] = (opts.github ?? '').split('/').filter(Boolean);
  const serviceEnvFiles = await readServiceEnvFiles(composeFile, compose);
  const imported = importCompose(
    {
      compose,
      secretRefs: interpolated.secretRefs,
      envFiles: Object.fromEntries(
        Object.entries(serviceEnvFiles.files).map(([service, files]) => [
          service,
          files.map((f) => ({ file: f.file, values: parseDotEnv(f.text, variables) })),
        ]),
      ),
      missingEnvFiles: serviceEnvFiles.missing,
      proxyConfigs: await readProxyConfigs(composeFile, compose),
    },
    {
      project,
      github: { owner, repo },
      domain: opts.domain ?? `${project}.example.com`,
      profiles: opts.profile,
    },
  );
  failAt(source, imported.problems);
  for (const u of interpolated.unset) {
    imported.notes.push(
      `${u.path.join('.')}: \${${u.variable}} is not set; Compose's rule gives ""`,
    );
  }

  const first = validated(render(imported.config, shown, opts), opts.out);
  const capacity = fitCapacity(first, imported.config);
  const yamlText = render(imported.config, shown, opts);
  const config = validated(yamlText, opts.out);
  const checks = await checkEnvironments(config, ctx, opts.out);

  if (!opts.force && (await exists(outFile))) {
    throw new CliError(
      `${opts.out} exists; pass --force to overwrite it or --out to write elsewhere`,
      ExitCode.refused,
    );
  }
  await writeFile(outFile, yamlText);
  ctx.stdout(
    opts.json
      ? jsonReport(opts.out, config, imported, capacity, checks)
      : textReport(opts.out, shown, config, imported, capacity, checks),
  );
  return ExitCode.ok;
}

function orFail(result: ReturnType<typeof parseComposeYaml>): ComposeSource {
  if (result.ok) return result.source;
  throw new CliError(result.problems.map(formatComposeProblem).join('\n'), ExitCode.config);
}

/** Stops with every problem at its `file:line:column`, exit code 3. */
function failAt(
  source: ComposeSource,
  problems: readonly { path: (string | number)[]; message: string }[],
  prefix = '',
): void {
  if (problems.length === 0) return;
  const lines = problems.map((p): ComposeProblem => ({
    file: source.file,
    ...source.positionOf(p.path),
    path: p.path.join('.'),
    message: `${prefix}${p.message}`,
  }));
  throw new CliError(lines.map(formatComposeProblem).join('\n'), ExitCode.config);
}

/**
 * prenv.yml as text. `compat: 'yaml-1.1'` makes yaml quote every string a YAML 1.1 reader
 * (Compose, older tooling) would take for another type (`yes`, `off`, `0755`, `1:30`, dates),
 * so 1.1 and 1.2 readers read the same strings (eemeli/yaml's `SchemaOptions.compat`).
 */
function render(config: Record<string, unknown>, source: string, opts: InitOptions): string {
  return (
    header(source, !opts.github, !opts.domain) +
    stringify(config, { lineWidth: 0, compat: 'yaml-1.1' })
  );
}

function validated(yamlText: string, file: string): Config {
  const check = parseConfig(yamlText, file);
  if (!check.ok) {
    throw new CliError(
      `the generated prenv.yml does not validate (a bug in prenv init):\n${new ConfigError(check.problems).message}`,
    );
  }
  return check.config;
}

interface CapacityChange {
  env: EnvironmentKind;
  problem: string;
  key: 'server_type' | 'preview_server_type';
  serverType: string;
}

/**
 * Environments whose reservations their servers can't hold get the smallest server type that
 * does, written into `hetzner`; each change is reported with the shortfall that caused it.
 */
function fitCapacity(config: Config, raw: Record<string, unknown>): CapacityChange[] {
  const changes: CapacityChange[] = [];
  for (const env of ['production', 'staging', 'pr'] as const) {
    const problem = capacityProblems(config, env)[0];
    if (!problem) continue;
    const fit = serverTypeThatFits(config, env);
    if (!fit) {
      throw new CliError(
        `${problem.message}\nNo Hetzner server type is large enough; lower the memory in the Compose file.`,
      );
    }
    const key = env === 'pr' ? 'preview_server_type' : 'server_type';
    const hetzner = (raw.hetzner ?? {}) as Record<string, string>;
    // Keep prenv.yml's usual order: hetzner before services.
    const { services, ...rest } = raw;
    for (const k of Object.keys(raw)) delete raw[k];
    Object.assign(raw, rest, { hetzner: { ...hetzner, [key]: fit }, services });
    changes.push({ env, problem: problem.message, key, serverType: fit });
  }
  return changes;
}

interface EnvCheck {
  env: string;
  ok: boolean;
  errors: string[];
}

/** `prenv render --check` of every environment; init writes nothing unless all pass. */
async function checkEnvironments(
  config: Config,
  ctx: CliContext,
  file: string,
): Promise<EnvCheck[]> {
  const templates = await loadCliTemplates(ctx);
  const deps = {
    schema: loadJobspecSchema(),
    caddyPath: (await findTool('caddy', ctx.env)) ?? null,
  };
  const checks: EnvCheck[] = [];
  for (const envCtx of CHECKED) {
    try {
      const report = await renderAndValidate(config, envCtx, templates, deps);
      checks.push({
        env: envName(envCtx),
        ok: report.ok,
        errors: report.checks.flatMap((c) => c.errors.map(formatProblem)),
      });
    } catch (err) {
      if (!(err instanceof RenderError)) throw err;
      checks.push({
        env: envName(envCtx),
        ok: false,
        errors: err.problems.map((p) => `${file}: ${p.path}: ${p.message}`),
      });
    }
  }
  const failed = checks.filter((c) => !c.ok);
  if (failed.length > 0) {
    throw new CliError(
      `nothing was written: the prenv.yml made from this Compose file does not pass render --check:\n${failed
        .map((c) => `${c.env}:\n${c.errors.map((e) => `  ${e}`).join('\n')}`)
        .join('\n')}`,
    );
  }
  return checks;
}

function textReport(
  out: string,
  source: string,
  config: Config,
  imported: ComposeImport,
  capacity: CapacityChange[],
  checks: EnvCheck[],
): string {
  const lines = [
    `Wrote ${out} with ${Object.keys(config.services).length} service(s) from ${path.basename(source)}.`,
  ];
  if (imported.routes.length > 0) {
    lines.push('Public routes:');
    lines.push(...imported.routes.map((r) => `  ${r.path} → ${r.service}: ${r.why}`));
    lines.push('  To route another service, move or add `route:` in prenv.yml.');
  } else {
    lines.push(
      `Public routes: none (${imported.noRoute ?? 'no service publishes a web port'}); add \`route:\` to a service in prenv.yml to expose it on purpose.`,
    );
  }
  const list = (title: string, items: string[]) => {
    if (items.length > 0) lines.push(title, ...items.map((i) => `  - ${i}`));
  };
  list(
    'Skipped:',
    imported.skipped.map((s) => `${s.service}: ${s.reason}`),
  );
  lines.push(formatDropped(groupDropped(imported.dropped)).trimEnd());
  list('Carried differently:', imported.notes);
  list(
    `Secrets to store in Consul KV (${config.consul.kv_prefix ?? config.project}/<environment>/NAME):`,
    imported.secrets.map((s) => `${s.service}: ${s.name}: ${s.reason}`),
  );
  list(
    'Capacity:',
    capacity.map(
      (c) =>
        `${c.problem.split(' To fix it')[0]} prenv.yml sets hetzner.${c.key}: ${c.serverType}.`,
    ),
  );
  lines.push(`Checked with render --check: ${checks.map((c) => `${c.env} ok`).join(', ')}.`);
  return `${lines.join('\n')}\n`;
}

function jsonReport(
  out: string,
  config: Config,
  imported: ComposeImport,
  capacity: CapacityChange[],
  checks: EnvCheck[],
): string {
  const value = {
    file: out,
    services: Object.keys(config.services),
    routes: imported.routes,
    ...(imported.noRoute ? { noRoute: imported.noRoute } : {}),
    skipped: imported.skipped,
    dropped: groupDropped(imported.dropped),
    notes: imported.notes,
    secrets: imported.secrets,
    capacity,
    checks,
  };
  return `${JSON.stringify(value, null, 2)}\n`;
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
