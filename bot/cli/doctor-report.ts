import type { ToolReport } from '../adapters/system/tool-probe.js';
import type { ConfigFileResult } from './config-file.js';
import { formatProblem } from '../config/load.js';
import { serverTypeAdvice } from '../core/hetzner-server-types.js';

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

/**
 * The oldest Terraform the configurations accept (`required_version`): the S3 backend's
 * `use_lockfile` state locking exists since 1.10 (Terraform's S3 backend documentation).
 */
export const MIN_TERRAFORM = [1, 10, 0] as const;
const MIN_TERRAFORM_TEXT = MIN_TERRAFORM.join('.');

/** Whether each environment's committed `.terraform.lock.hcl` exists. */
export interface LockFileReport {
  environment: string;
  /** Path shown to the user, relative to the working directory. */
  file: string;
  present: boolean;
}

const TOOL_NEEDED_FOR: Record<ToolReport['tool'], string> = {
  terraform: `deploy and destroy (prenv drives Terraform >= ${MIN_TERRAFORM_TEXT})`,
  nomad: 'nothing prenv runs itself (it uses the Nomad HTTP API); handy for operators',
  caddy: 'validating rendered Caddy config (`prenv render --check`)',
  consul: 'nothing prenv runs itself (it uses the Consul HTTP API); handy for operators',
};

export function buildDoctorReport(input: {
  nodeVersion: string;
  tools: ToolReport[];
  config: ConfigFileResult;
  lockFiles?: LockFileReport[];
}): DoctorReport {
  const checks: DoctorCheck[] = [nodeCheck(input.nodeVersion)];
  for (const tool of input.tools) checks.push(toolCheck(tool));
  if (input.lockFiles) checks.push(lockFileCheck(input.lockFiles));
  checks.push(...configChecks(input.config));
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
  if (tool.tool === 'terraform' && tool.version && olderThan(tool.version, MIN_TERRAFORM)) {
    return {
      name: tool.tool,
      status: 'error',
      detail:
        `${tool.version} (${tool.path}) is too old: the configurations need Terraform >= ` +
        `${MIN_TERRAFORM_TEXT} for state locking with the S3 backend's use_lockfile; ` +
        'install a newer one from https://developer.hashicorp.com/terraform/install',
    };
  }
  return {
    name: tool.tool,
    status: 'ok',
    detail: `${tool.version ?? 'unknown version'} (${tool.path})`,
  };
}

function olderThan(version: string, min: readonly number[]): boolean {
  const parts = version.split(/[.+-]/).slice(0, 3).map(Number);
  for (let i = 0; i < min.length; i += 1) {
    const a = parts[i] ?? 0;
    if (a !== min[i]) return a < (min[i] ?? 0);
  }
  return false;
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

function configChecks(result: ConfigFileResult): DoctorCheck[] {
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
  const types = new Set(
    [config.hetzner.server_type, config.hetzner.preview_server_type].filter(
      (t): t is string => !!t,
    ),
  );
  for (const type of types) {
    const advice = serverTypeAdvice(type);
    checks.push(
      advice.deprecated
        ? { name: 'hetzner', status: 'warn', detail: advice.message ?? '' }
        : {
            name: 'hetzner',
            status: 'ok',
            detail: `server type ${type} in ${config.hetzner.location}`,
          },
    );
  }
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
