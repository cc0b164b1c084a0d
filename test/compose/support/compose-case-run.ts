import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { parseConfig } from '../../../bot/config/load.js';
import type { Config } from '../../../bot/config/config.js';
import { renderEnvironment } from '../../../generators/render-environment.js';
import { repoTemplates } from '../../generators/render-support.js';
import { runCli, type CliRun } from '../../cli/run-cli.js';
import { repoRoot } from '../../support/tools.js';

// The cases of the shared project folder (../shared/compose-cases, one folder per class, with
// a README.md saying what is expected). UPDATE_GOLDEN=1 rewrites test/compose/golden/.
export const casesDir = path.resolve(repoRoot, '..', 'shared', 'compose-cases');
export const goldenDir = path.join(repoRoot, 'test', 'compose', 'golden');
const update = process.env.UPDATE_GOLDEN === '1';

export interface Report {
  services: string[];
  routes: { service: string; path: string; why: string }[];
  skipped: { service: string; reason: string }[];
  dropped: { key: string; services: string[]; reason: string }[];
  notes: string[];
  secrets: { service: string; name: string; reason: string }[];
  capacity: { env: string; problem: string; key: string; serverType: string }[];
  checks: { env: string; ok: boolean }[];
}

export interface Converted {
  run: CliRun;
  text: string;
  report: Report;
  config: Config;
}

export function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'prenv-cases-'));
}

/** `prenv init` in the case's folder, as a user would run it there. */
export async function init(dir: string, extra: string[] = []): Promise<CliRun & { out: string }> {
  const out = path.join(tempDir(), 'prenv.yml');
  const run = await runCli(
    ['init', '--from-compose', 'docker-compose.yml', '--out', out, ...extra],
    { cwd: dir },
  );
  return { ...run, out };
}

export async function convert(name: string, extra: string[] = []): Promise<Converted> {
  const run = await init(path.join(casesDir, name), [...extra, '--json']);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const text = readFileSync(run.out, 'utf8');
  const parsed = parseConfig(text, 'prenv.yml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const report = JSON.parse(run.stdout) as Report;
  expect(report.checks).toEqual([
    { env: 'production', ok: true, errors: [] },
    { env: 'staging', ok: true, errors: [] },
    { env: 'pr-7', ok: true, errors: [] },
  ]);
  return { run, text, report, config: parsed.config };
}

/** The converted prenv.yml and the production Nomad job and Caddyfile it renders, as reviewed. */
export async function expectGolden(name: string, converted: Converted): Promise<void> {
  const dir = path.join(goldenDir, name);
  const files = renderEnvironment(
    converted.config,
    { kind: 'production', sha: '3f2c9a1' },
    await repoTemplates(),
  ).filter((f) => f.kind === 'nomad-job' || f.kind === 'caddyfile');
  const wanted = [{ path: 'prenv.yml', content: converted.text }, ...files];
  if (update) {
    mkdirSync(dir, { recursive: true });
    for (const f of wanted) writeFileSync(path.join(dir, f.path), f.content);
  }
  for (const f of wanted) {
    const file = path.join(dir, f.path);
    expect(existsSync(file), `${file} is missing; run with UPDATE_GOLDEN=1 once`).toBe(true);
    expect(f.content, `golden/${name}/${f.path}`).toBe(readFileSync(file, 'utf8'));
  }
}

export const dropped = (r: Report, key: string) => r.dropped.filter((d) => d.key === key);
export const everything = (r: Report) => JSON.stringify(r);
