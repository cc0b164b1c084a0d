import type { Config } from '../../config/config.js';
import { caddyBaseConfig } from '../../../generators/caddy/route-json.js';
import type { EnvContext } from '../../../generators/env-context.js';
import { renderEnvironment, type RenderedFile } from '../../../generators/render-environment.js';
import type { TemplateSources } from '../../../generators/templates.js';
import { checkJobFile } from '../../../generators/validate/job-file.js';
import type { JobspecSchema } from '../../../generators/validate/jobspec.js';
import { caddyValidate, type CaddyValidateResult } from '../caddy/cli.js';

/** One finding about a rendered file; line and column when the checker knows them. */
export interface FileProblem {
  file: string;
  line: number | null;
  column: number | null;
  check: 'hcl' | 'jobspec' | 'caddy' | 'json';
  message: string;
}

export interface FileCheck {
  path: string;
  kind: RenderedFile['kind'];
  /** What was checked, e.g. ["hcl", "jobspec"]. */
  checks: FileProblem['check'][];
  errors: FileProblem[];
  warnings: string[];
}

export interface ValidateDeps {
  schema: JobspecSchema;
  /** Path of the caddy binary; null skips the Caddy checks with a warning. */
  caddyPath: string | null;
  caddyEnv?: Record<string, string | undefined>;
}

export interface RenderReport {
  files: RenderedFile[];
  checks: FileCheck[];
  ok: boolean;
}

/** Renders one env and checks every file: HCL syntax → jobspec schema → `caddy validate`. */
export async function renderAndValidate(
  config: Config,
  ctx: EnvContext,
  templates: TemplateSources,
  deps: ValidateDeps,
): Promise<RenderReport> {
  const files = renderEnvironment(config, ctx, templates);
  const checks = await validateRendered(config, files, deps);
  return { files, checks, ok: checks.every((c) => c.errors.length === 0) };
}

export async function validateRendered(
  config: Config,
  files: RenderedFile[],
  deps: ValidateDeps,
): Promise<FileCheck[]> {
  const out: FileCheck[] = [];
  for (const file of files) out.push(await validateFile(config, file, deps));
  return out;
}

async function validateFile(
  config: Config,
  file: RenderedFile,
  deps: ValidateDeps,
): Promise<FileCheck> {
  const check: FileCheck = {
    path: file.path,
    kind: file.kind,
    checks: [],
    errors: [],
    warnings: [],
  };
  const fail = (
    kind: FileProblem['check'],
    message: string,
    line: number | null = null,
    column: number | null = null,
  ) => check.errors.push({ file: file.path, line, column, check: kind, message });

  if (file.kind === 'nomad-job') {
    check.checks.push('hcl', 'jobspec');
    const result = await checkJobFile(file.path, file.content, deps.schema);
    if (!result.ok && result.reason === 'syntax') {
      result.errors.forEach((e) => fail('hcl', e.message, e.line, e.column));
    } else if (!result.ok) {
      result.errors.forEach((e) => fail('jobspec', e.message));
      check.warnings.push(...result.warnings.map((w) => w.message));
    } else {
      check.warnings.push(...result.warnings.map((w) => w.message));
    }
    return check;
  }
  let parsed: unknown = null;
  if (file.kind !== 'caddyfile') {
    check.checks.push('json');
    try {
      parsed = JSON.parse(file.content) as unknown;
    } catch (err) {
      fail('json', (err as Error).message);
      return check;
    }
  }
  if (file.kind === 'tfvars') return check;

  if (deps.caddyPath === null) {
    check.warnings.push('caddy was not found, so this file was not checked by `caddy validate`');
    return check;
  }
  check.checks.push('caddy');
  const options = { caddyPath: deps.caddyPath, env: deps.caddyEnv ?? {} };
  const result: CaddyValidateResult =
    file.kind === 'caddyfile'
      ? await caddyValidate(file.content, { ...options, format: 'caddyfile' })
      : await caddyValidate(caddyBaseConfig(config, [parsed as Record<string, unknown>]), {
          ...options,
          format: 'json',
        });
  if (!result.ok) {
    const at =
      /^Caddyfile:(\d+)\b/.exec(result.message) ?? /\bCaddyfile:(\d+)\b/.exec(result.message);
    fail('caddy', result.message, at?.[1] ? Number(at[1]) : null, null);
  }
  check.warnings.push(...result.warnings);
  return check;
}

/** `file:line:column: message` (or `file: message` when the position is unknown). */
export function formatProblem(p: FileProblem): string {
  const where = p.line === null ? p.file : `${p.file}:${p.line}:${p.column ?? 1}`;
  return `${where}: ${p.message}`;
}
