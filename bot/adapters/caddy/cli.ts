import { writeFile } from 'node:fs/promises';
import { makeTempDir, removeTempDir } from '../system/temp-dirs.js';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';

export interface CaddyCliOptions {
  /** Path of the caddy binary. */
  caddyPath: string;
  /** Added to the inherited environment (e.g. HOME / XDG dirs for Caddy's storage). */
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
}

export type CaddyCliFailure = {
  ok: false;
  /** `invalid`: Caddy refused the input; `cannot_run`: the binary did not run. */
  kind: 'invalid' | 'cannot_run';
  /** Caddy's own message, e.g. "Caddyfile:2: unrecognized directive: foo". */
  message: string;
  warnings: string[];
};

export type CaddyAdaptResult = { ok: true; config: unknown; warnings: string[] } | CaddyCliFailure;
export type CaddyValidateResult = { ok: true; warnings: string[] } | CaddyCliFailure;

export type CaddyInputFormat = 'json' | 'caddyfile';

/** `caddy adapt`: Caddyfile text → Caddy's JSON config. */
export async function caddyAdapt(
  caddyfile: string,
  options: CaddyCliOptions,
): Promise<CaddyAdaptResult> {
  const run = await runCaddy('caddyfile', caddyfile, options, (file) => [
    'adapt',
    '--config',
    file,
    '--adapter',
    'caddyfile',
  ]);
  if (!run.ok) return run;
  try {
    return { ok: true, config: JSON.parse(run.stdout) as unknown, warnings: run.warnings };
  } catch {
    return {
      ok: false,
      kind: 'invalid',
      message: `caddy adapt printed something that is not JSON: ${run.stdout.slice(0, 200)}`,
      warnings: run.warnings,
    };
  }
}

/**
 * `caddy validate`: loads and provisions the config without running it. A
 * string is taken as JSON when it parses as a JSON object, else as a Caddyfile
 * (a Caddyfile's global options block starts with "{" but is not JSON); pass
 * `format` to say which.
 */
export async function caddyValidate(
  input: string | Record<string, unknown>,
  options: CaddyCliOptions & { format?: CaddyInputFormat },
): Promise<CaddyValidateResult> {
  const text = typeof input === 'string' ? input : JSON.stringify(input);
  const format = options.format ?? (typeof input === 'string' ? detectFormat(input) : 'json');
  const run = await runCaddy(format, text, options, (file) =>
    format === 'json'
      ? ['validate', '--config', file]
      : ['validate', '--config', file, '--adapter', 'caddyfile'],
  );
  return run.ok ? { ok: true, warnings: run.warnings } : run;
}

export function detectFormat(text: string): CaddyInputFormat {
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed !== null && typeof parsed === 'object' ? 'json' : 'caddyfile';
  } catch {
    return 'caddyfile';
  }
}

type RunOutcome = { ok: true; stdout: string; warnings: string[] } | CaddyCliFailure;

async function runCaddy(
  format: CaddyInputFormat,
  text: string,
  options: CaddyCliOptions,
  args: (file: string) => string[],
): Promise<RunOutcome> {
  const dir = await makeTempDir(path.join(tmpdir(), 'prenv-caddy-cli-'));
  // Run in the temp dir with a relative name so Caddy's messages say "Caddyfile:3".
  const file = format === 'json' ? 'caddy.json' : 'Caddyfile';
  try {
    await writeFile(path.join(dir, file), text);
    const result = await execa(options.caddyPath, args(file), {
      cwd: dir,
      env: options.env ?? {},
      reject: false,
      timeout: options.timeoutMs ?? 30_000,
      stdin: 'ignore',
    });
    const warnings = warningsFrom(result.stderr);
    if (result.exitCode === undefined) {
      return {
        ok: false,
        kind: 'cannot_run',
        message: `Could not run caddy at ${options.caddyPath}: ${result.shortMessage}. Install Caddy or set its path.`,
        warnings,
      };
    }
    if (result.exitCode !== 0) {
      return { ok: false, kind: 'invalid', message: errorMessageFrom(result.stderr), warnings };
    }
    return { ok: true, stdout: result.stdout, warnings };
  } finally {
    await removeTempDir(dir);
  }
}

/** Caddy logs JSON lines on stderr; warnings carry the file and line they concern. */
function warningsFrom(stderr: string): string[] {
  return stderr.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      const entry = JSON.parse(line) as { level?: unknown; msg?: unknown; line?: unknown };
      if (entry.level !== 'warn' || typeof entry.msg !== 'string') return [];
      return [typeof entry.line === 'number' ? `line ${entry.line}: ${entry.msg}` : entry.msg];
    } catch {
      return [];
    }
  });
}

/** Caddy ends a failed command with a line "Error: <message>". */
function errorMessageFrom(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim());
  const errorLine = lines.filter((l) => l.startsWith('Error: ')).at(-1);
  if (errorLine !== undefined) return errorLine.slice('Error: '.length);
  const plain = lines.filter((l) => l !== '' && !l.startsWith('{'));
  return plain.at(-1) ?? (stderr.trim() || 'caddy failed without a message');
}
