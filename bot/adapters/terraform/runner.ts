import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Logger } from '../../core/logger.js';
import { silentLogger } from '../../core/logger.js';
import { redact, redactDeep } from '../../core/redact.js';
import {
  applyArgs,
  automationEnv,
  destroyArgs,
  initArgs,
  outputArgs,
  planArgs,
  applySavedPlanArgs,
  planExitMeaning,
  versionArgs,
} from './args.js';
import { classifyFailure, spawnFailure } from './classify.js';
import { TerraformError } from './failure.js';
import { assertNoOverride } from './operator-vars.js';
import { makeRunDir, type LeftRun } from './run-dirs.js';
import { collectSecrets } from './secrets.js';
import { spawnTerraform } from './spawn.js';
import { dataDir, stateKey, targetName } from './state-key.js';
import type {
  ApplySummary,
  ChangeCounts,
  PlanSummary,
  RunOptions,
  TerraformRunner,
  TfCommand,
  TfTarget,
  TfVars,
} from './types.js';
import {
  emptyDigest,
  foldLine,
  parsePlainDiagnostics,
  parseTextLine,
  parseUiLine,
} from './ui-lines.js';
import type { RunDigest } from './ui-lines.js';

export interface TerraformRunnerOptions {
  /** Path of the terraform executable; the caller resolves `PRENV_TERRAFORM_BIN`. */
  bin?: string;
  /** The environment for Terraform (PATH, HCLOUD_TOKEN, AWS_*, …); nothing else is inherited. */
  env: Record<string, string | undefined>;
  logger?: Logger;
  /** Secret values to redact everywhere, on top of the well-known credential variables. */
  secrets?: string[];
  /** Time between SIGINT and SIGKILL when a run is stopped; Terraform needs it to save state. */
  killGraceMs?: number;
  /**
   * Shared backend settings for `init`: file paths (absolute, or relative to the root
   * module, e.g. `../../backend.s3.hcl`) or `name=value` pairs. Never credentials: those
   * come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in `env`.
   */
  backendConfig?: string[];
  /**
   * Where the temporary `-var-file` and each run's output files go; defaults to the OS
   * temp directory.
   */
  tmpDir?: string;
  /**
   * How long plan/apply/destroy wait for a state lock held by another run (`-lock-timeout`),
   * e.g. a Terraform still finishing the work of a bot that died. Default 10 minutes.
   */
  lockTimeoutMs?: number;
  /**
   * Runs a dead process left unfinished (`removeStaleRunDirs`): their states may be locked by
   * nobody, so the next run there waits only `LOCK_PROBE_MS` for the lock and, when it is held,
   * explains it instead of waiting out the whole lock timeout.
   */
  leftRuns?: LeftRun[];
}

const STDERR_TAIL = 4000;
/** Lock wait after a run there was killed: a left lock is reported in seconds, not minutes. */
export const LOCK_PROBE_MS = 5_000;

interface Suspect {
  why: string;
}
const NO_CHANGES: ChangeCounts = { add: 0, change: 0, destroy: 0 };

interface Run {
  command: TfCommand;
  args: string[];
  target?: TfTarget;
  vars: TfVars;
  opts: RunOptions;
  /**
   * `ui`: `-json` UI lines, parsed and reported; `text`: human lines, reported as logs;
   * `data`: a JSON document (`output -json`), neither logged nor reported.
   */
  stdout: 'ui' | 'text' | 'data';
}

interface RunOutcome {
  exitCode: number;
  digest: RunDigest;
  stdout: string;
}

export function createTerraformRunner(options: TerraformRunnerOptions): TerraformRunner {
  const bin = options.bin ?? 'terraform';
  const baseLogger = options.logger ?? silentLogger;
  const killGraceMs = options.killGraceMs ?? 60_000;
  const lockTimeoutMs = options.lockTimeoutMs ?? 10 * 60_000;
  if (!Number.isSafeInteger(lockTimeoutMs) || lockTimeoutMs < 0) {
    throw new Error(`lockTimeoutMs must be a whole, non-negative number, got ${lockTimeoutMs}`);
  }
  const tmpDir = options.tmpDir ?? tmpdir();
  const suspects = new Map<string, Suspect>();
  for (const left of options.leftRuns ?? []) {
    suspects.set(left.stateKey, {
      why: `terraform ${left.command} (pid ${left.pid}) was running there when prenv stopped, and is gone`,
    });
  }
  const lockTimeoutFor = (target: TfTarget) =>
    suspects.has(stateKey(target)) ? Math.min(LOCK_PROBE_MS, lockTimeoutMs) : lockTimeoutMs;

  const secretsFor = (vars: TfVars, opts: RunOptions): string[] =>
    collectSecrets(options.env, vars, [...(options.secrets ?? []), ...(opts.secrets ?? [])]);

  async function run(r: Run, okExitCodes: number[] = [0]): Promise<RunOutcome> {
    const secrets = secretsFor(r.vars, r.opts);
    const clean = (s: string) => redact(s, secrets);
    const name = r.target ? targetName(r.target) : undefined;
    const log = baseLogger.child({ terraform: r.command, ...(name ? { target: name } : {}) });
    const cwd = r.target?.dir ?? process.cwd();
    const env = {
      ...options.env,
      ...automationEnv(r.target ? dataDir(r.target) : '.terraform', r.target?.environment === 'pr'),
    };

    let digest = emptyDigest();
    let stdout = '';
    const onStdoutLine = (raw: string) => {
      if (r.stdout === 'data') {
        stdout += `${raw}\n`;
        return;
      }
      const parsed = r.stdout === 'ui' ? parseUiLine(clean(raw)) : parseTextLine(clean(raw));
      if (!parsed) return;
      const line = redactDeep(parsed, secrets);
      digest = foldLine(digest, line);
      const { event } = line;
      log.debug(event.message, {
        type: event.type,
        ...(event.resource ? { resource: event.resource } : {}),
      });
      r.opts.onProgress?.(event);
    };

    log.info('terraform started', { args: r.args, dir: cwd });
    const result = await spawnTerraform({
      bin,
      args: r.args,
      cwd,
      env,
      killGraceMs,
      tmpDir,
      onStdoutLine,
      record: { command: r.command, ...(r.target ? { stateKey: stateKey(r.target) } : {}) },
      ...(r.opts.signal ? { signal: r.opts.signal } : {}),
      ...(r.opts.timeoutMs !== undefined ? { timeoutMs: r.opts.timeoutMs } : {}),
    });

    const stderr = clean(result.stderr);
    // A run that still finished cleanly after a stop request did its work: report success.
    const key = r.target ? stateKey(r.target) : undefined;
    if (result.exitCode !== undefined && okExitCodes.includes(result.exitCode)) {
      if (key && r.command !== 'output') suspects.delete(key);
      log.info('terraform finished', { exitCode: result.exitCode });
      return { exitCode: result.exitCode, digest, stdout };
    }

    const diagnostics = [...digest.diagnostics, ...parsePlainDiagnostics(stderr)];
    const failure = result.spawnError
      ? spawnFailure(bin, result.spawnError)
      : classifyFailure(
          {
            diagnostics,
            stderr,
            ...(result.exitCode !== undefined ? { exitCode: result.exitCode } : {}),
            ...(result.signal ? { signal: result.signal } : {}),
            ...(result.stopped ? { stopped: result.stopped } : {}),
          },
          {
            command: r.command,
            ...(name ? { target: name } : {}),
            ...(r.target
              ? { stateKey: stateKey(r.target), dir: r.target.dir, dataDir: dataDir(r.target) }
              : {}),
            ...(typeof r.vars.server_type === 'string' ? { serverType: r.vars.server_type } : {}),
            ...(typeof r.vars.location === 'string' ? { location: r.vars.location } : {}),
          },
        );
    if (key && failure.kind === 'killed')
      suspects.set(key, { why: `terraform ${r.command} was killed by ${failure.signal}` });
    if (key && result.stopped && result.signal === 'SIGKILL')
      suspects.set(key, {
        why: `terraform ${r.command} did not stop within ${killGraceMs} ms of SIGINT and was killed`,
      });
    const suspect = key ? suspects.get(key) : undefined;
    const explained =
      failure.kind === 'state_locked' && suspect
        ? {
            ...failure,
            message:
              `${failure.message} The lock was most likely left behind: ${suspect.why}. ` +
              'If no other Terraform run works on this environment, release it as shown, then retry.',
          }
        : failure;
    const error = new TerraformError({
      failure: redactDeep(explained, secrets),
      command: r.command,
      args: r.args,
      exitCode: result.exitCode,
      stderrTail: stderr.slice(-STDERR_TAIL),
    });
    log.error('terraform failed', {
      kind: failure.kind,
      exitCode: result.exitCode,
      signal: result.signal,
      message: error.message,
      stderr: error.stderrTail,
    });
    throw error;
  }

  /**
   * Runs with the variables in a private temporary `-var-file`, removed afterwards. Refuses
   * first when the operator's own variable files in the root module set one of them: the
   * `-var-file` would silently override it.
   */
  async function withVarFile<T>(
    target: TfTarget,
    vars: TfVars,
    fn: (file: string) => Promise<T>,
  ): Promise<T> {
    await assertNoOverride(target.dir, Object.keys(vars), options.env);
    const dir = await makeRunDir(tmpDir);
    const file = path.join(dir, 'vars.tfvars.json');
    try {
      await writeFile(file, JSON.stringify(vars), { mode: 0o600 });
      return await fn(file);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  const summaryOf = (digest: RunDigest, operation: string): ChangeCounts =>
    digest.summaries[operation] ?? NO_CHANGES;

  return {
    async version(opts = {}) {
      const out = await run({
        command: 'version',
        args: versionArgs(),
        vars: {},
        opts,
        stdout: 'data',
      });
      const parsed = JSON.parse(out.stdout) as { terraform_version?: unknown };
      if (typeof parsed.terraform_version !== 'string') {
        throw new Error('terraform version -json printed no terraform_version');
      }
      return parsed.terraform_version;
    },

    async init(target, opts = {}) {
      await run({
        command: 'init',
        args: initArgs(
          target,
          options.backendConfig,
          existsSync(path.join(target.dir, '.terraform.lock.hcl')),
        ),
        target,
        vars: {},
        opts,
        stdout: 'text',
      });
    },

    async plan(target, vars, opts = {}): Promise<PlanSummary> {
      return withVarFile(target, vars, async (file) => {
        const args = planArgs(file, lockTimeoutFor(target), opts.out);
        const out = await run({ command: 'plan', args, target, vars, opts, stdout: 'ui' }, [0, 2]);
        return {
          hasChanges: planExitMeaning(out.exitCode) === 'changes',
          changes: summaryOf(out.digest, 'plan'),
          resourceChanges: out.digest.plannedChanges,
        };
      });
    },

    async apply(target, vars, opts = {}): Promise<ApplySummary> {
      return withVarFile(target, vars, async (file) => {
        const args = applyArgs(file, lockTimeoutFor(target));
        const out = await run({ command: 'apply', args, target, vars, opts, stdout: 'ui' });
        const outputs = Object.fromEntries(
          Object.entries(out.digest.outputs ?? {}).map(([k, o]) => [k, o.value]),
        );
        return { changes: summaryOf(out.digest, 'apply'), outputs };
      });
    },

    async applySaved(target, planFile, vars, opts = {}): Promise<ApplySummary> {
      const args = applySavedPlanArgs(planFile, lockTimeoutFor(target));
      const out = await run({ command: 'apply', args, target, vars, opts, stdout: 'ui' });
      const outputs = Object.fromEntries(
        Object.entries(out.digest.outputs ?? {}).map(([k, o]) => [k, o.value]),
      );
      return { changes: summaryOf(out.digest, 'apply'), outputs };
    },

    async destroy(target, vars, opts = {}) {
      return withVarFile(target, vars, async (file) => {
        const args = destroyArgs(file, lockTimeoutFor(target));
        const out = await run({ command: 'destroy', args, target, vars, opts, stdout: 'ui' });
        return summaryOf(out.digest, 'destroy');
      });
    },

    async output(target, opts = {}) {
      const args = outputArgs();
      const out = await run({ command: 'output', args, target, vars: {}, opts, stdout: 'data' });
      const parsed = JSON.parse(out.stdout || '{}') as Record<string, { value?: unknown } | null>;
      const values = Object.fromEntries(Object.entries(parsed).map(([k, o]) => [k, o?.value]));
      return redactDeep(values, secretsFor({}, opts));
    },
  };
}
