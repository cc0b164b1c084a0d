import semver from 'semver';
import type { ToolReport } from '../adapters/system/tool-probe.js';
import {
  meetsTerraformConstraint,
  type RequiredVersion,
} from '../adapters/terraform/required-version.js';
import type { ConfigFileResult } from './config-file.js';
import { formatProblem } from '../config/load.js';
import {
  checkServerTypes,
  serverTypeUses,
  type ServerTypeFinding,
} from '../core/server-type-check.js';

export type CheckStatus = 'ok' | 'warn' | 'error';

export interface DoctorCheck {
  name: string;
  status: CheckStatus;
  detail: string;
}

export interface DoctorReport {
  ok: boolean;
  checks: DoctorCheck[];
}

const MIN_NODE_MAJOR = 20;

/** Whether each environment's committed `.terraform.lock.hcl` exists. */
export interface LockFileReport {
  environment: string;
  /** Path shown to the user, relative to the working directory. */
  file: string;
  present: boolean;
}

const TOOL_NEEDED_FOR: Record<ToolReport['tool'], string> = {
  terraform: 'deploy and destroy',
  nomad: 'nothing prenv runs itself (it uses the Nomad HTTP API); handy for operators',
  caddy: 'validating rendered Caddy config (`prenv render --check`)',
  consul: 'nothing prenv runs itself (it uses the Consul HTTP API); handy for operators',
  ssh: '`prenv tunnel` (reaching a cluster from outside its private network)',
};

export function buildDoctorReport(input: {
  nodeVersion: string;
  tools: ToolReport[];
  config: ConfigFileResult;
  /** The `required_version` constraints of the Terraform modules prenv runs. */
  terraformRequired?: RequiredVersion[];
  lockFiles?: LockFileReport[];
  /** The config's server types as checked (`doctor-cloud.ts`); prenv's own table when absent. */
  serverTypes?: ServerTypeFinding[];
  /** Checks that need the network or the config: Hetzner API, capacity, endpoints. */
  more?: DoctorCheck[];
}): DoctorReport {
  const checks: DoctorCheck[] = [nodeCheck(input.nodeVersion)];
  for (const tool of input.tools)
    checks.push(
      tool.tool === 'terraform'
        ? terraformCheck(tool, input.terraformRequired ?? [])
        : toolCheck(tool),
    );
  if (input.lockFiles) checks.push(lockFileCheck(input.lockFiles));
  checks.push(...configChecks(input.config, input.serverTypes));
  checks.push(...(input.more ?? []));
  return { ok: checks.every((c) => c.status !== 'error'), checks };
}

function nodeCheck(version: string): DoctorCheck {
  const major = Number(/^v?(\d+)/.exec(version)?.[1] ?? 0);
  return major >= MIN_NODE_MAJOR
    ? { name: 'node', status: 'ok', detail: `${version} (needs >= ${MIN_NODE_MAJOR})` }
    : {
        name: 'node',
        status: 'error',
        detail: `${version} is too old; install Node.js ${MIN_NODE_MAJOR} or newer`,
      };
}

function toolCheck(tool: ToolReport): DoctorCheck {
  if (!tool.found) {
    return {
      name: tool.tool,
      status: 'warn',
      detail: `not found on PATH; needed for ${TOOL_NEEDED_FOR[tool.tool]}`,
    };
  }
  if (tool.error)
    return { name: tool.tool, status: 'warn', detail: `${tool.path} does not run: ${tool.error}` };
  return {
    name: tool.tool,
    status: 'ok',
    detail: `${tool.version ?? 'unknown version'} (${tool.path})`,
  };
}

/** `>= 1.5` and `>= 1.6` say `>= 1.6`; other constraints are listed as written. */
function summarize(constraints: string[]): string {
  const floors = constraints.map((c) => /^>=\s*v?(\d+(?:\.\d+){0,2})$/.exec(c)?.[1]);
  if (floors.length > 1 && floors.every((f) => f !== undefined)) {
    const highest = [...floors].sort((a, b) =>
      semver.compare(semver.coerce(b)!, semver.coerce(a)!),
    )[0];
    return `>= ${highest}`;
  }
  return constraints.join(' and ');
}

/** The tool check, plus Terraform's version against every module's `required_version`. */
function terraformCheck(tool: ToolReport, required: RequiredVersion[]): DoctorCheck {
  const constraints = summarize([...new Set(required.map((r) => r.constraint))]);
  const needs = constraints ? `the modules need Terraform ${constraints}` : '';
  const base = toolCheck(tool);
  if (!tool.found) return needs ? { ...base, detail: `${base.detail} (${needs})` } : base;
  if (base.status !== 'ok' || !tool.version) return base;
  const version = tool.version;
  const unmet = required.filter((r) => meetsTerraformConstraint(version, r.constraint) === false);
  if (unmet.length === 0) return needs ? { ...base, detail: `${base.detail}; ${needs}` } : base;
  const where = unmet.map((r) => `${r.constraint} in ${r.file}`).join(', ');
  return {
    name: 'terraform',
    status: 'error',
    detail: `${version} (${tool.path}) is too old for the modules (${where}): install Terraform ${constraints}`,
  };
}

function configChecks(
  result: ConfigFileResult,
  serverTypes: ServerTypeFinding[] | undefined,
): DoctorCheck[] {
  if (!result.ok) {
    return [
      { name: 'config', status: 'error', detail: result.problems.map(formatProblem).join('\n') },
    ];
  }
  const { config } = result;
  const services = Object.keys(config.services).length;
  const jobs = Object.keys(config.jobs).length;
  const checks: DoctorCheck[] = [
    {
      name: 'config',
      status: 'ok',
      detail: `${result.file} is valid (project ${config.project}, ${services} service(s), ${jobs} periodic job(s))`,
    },
  ];
  const findings =
    serverTypes ??
    checkServerTypes({
      uses: serverTypeUses(config),
      location: config.hetzner.location,
      live: null,
      now: 0,
    });
  for (const f of findings) checks.push({ name: 'hetzner', status: f.status, detail: f.detail });
  return checks;
}

const MARK: Record<CheckStatus, string> = { ok: 'ok  ', warn: 'warn', error: 'FAIL' };

export function formatDoctorReport(report: DoctorReport): string {
  const width = Math.max(...report.checks.map((c) => c.name.length));
  const lines = report.checks.map((c) => {
    const [first = '', ...rest] = c.detail.split('\n');
    const pad = ' '.repeat(width + 9);
    return [
      `  ${MARK[c.status]}  ${c.name.padEnd(width)}  ${first}`,
      ...rest.map((r) => pad + r),
    ].join('\n');
  });
  const summary = report.ok ? 'prenv is ready.' : 'prenv found problems; fix the FAIL lines above.';
  return `prenv doctor\n${lines.join('\n')}\n${summary}\n`;
}

function lockFileCheck(files: LockFileReport[]): DoctorCheck {
  const missing = files.filter((f) => !f.present);
  if (missing.length === 0) {
    return {
      name: 'terraform-lock',
      status: 'ok',
      detail: `provider lock files committed for ${files.map((f) => f.environment).join(', ')}`,
    };
  }
  return {
    name: 'terraform-lock',
    status: 'warn',
    detail: [
      `no ${missing.map((f) => f.file).join(', ')}; until they are committed, every terraform init records provider versions and hashes of its own (runs with a lock file use -lockfile=readonly).`,
      'Create and commit each once: terraform -chdir=<dir> providers lock -platform=linux_amd64 -platform=linux_arm64 -platform=darwin_arm64',
    ].join('\n'),
  };
}
