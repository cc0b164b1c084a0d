/**
 * `npm run bench:render`: render + validate time per environment of the leap example.
 *
 * Baseline, measured in the same run: "render only" (Handlebars templates and view models, no
 * checks). Measured: "render + validate", what `prenv render --check` and every deploy do
 * before anything is submitted: render, parse every job with @cdktf/hcl2json, check it against
 * the Nomad jobspec schema, and parse the Caddy route JSON. The `caddy validate` process is
 * left out (it is a separate binary, started once per file; see the Caddy column).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfigOrThrow } from '../bot/config/load.js';
import { loadJobspecSchema } from '../bot/adapters/nomad/jobspec-schema-file.js';
import { loadTemplates } from '../bot/adapters/templates/load-templates.js';
import { caddyValidate } from '../bot/adapters/caddy/cli.js';
import type { EnvContext } from '../generators/env-context.js';
import { renderEnvironment } from '../generators/render-environment.js';
import { checkJobFile } from '../generators/validate/job-file.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 60);
const WARMUP = 5;
const TARGET_MS = 10;

const configFile = path.join(root, 'examples/leap/prenv.yml');
const config = loadConfigOrThrow(readFileSync(configFile, 'utf8'), configFile);
const templates = await loadTemplates(root);
const schema = loadJobspecSchema();
const envs: [string, EnvContext][] = [
  ['production', { kind: 'production', sha: '3f2c9a1' }],
  ['staging', { kind: 'staging', sha: '3f2c9a1' }],
  [
    'pr-7',
    { kind: 'pr', number: 7, sha: '3f2c9a1', branch: 'feature/upload', title: 'Faster uploads' },
  ],
];

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return {
    runs: sorted.length,
    medianMs: round(at(0.5)),
    p95Ms: round(at(0.95)),
    minMs: round(sorted[0]!),
  };
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

async function time(fn: () => Promise<unknown> | unknown): Promise<number[]> {
  for (let i = 0; i < WARMUP; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  return samples;
}

async function renderAndValidate(ctx: EnvContext): Promise<void> {
  const files = renderEnvironment(config, ctx, templates);
  for (const file of files) {
    if (file.kind === 'nomad-job') {
      const check = await checkJobFile(file.path, file.content, schema);
      if (!check.ok) throw new Error(check.message);
    } else if (file.kind === 'caddy-route' || file.kind === 'tfvars') {
      JSON.parse(file.content);
    }
  }
}

const caddyBin = path.join(root, '.tools/bin/caddy');
const results = [];
for (const [name, ctx] of envs) {
  const baseline = stats(await time(() => renderEnvironment(config, ctx, templates)));
  const measured = stats(await time(() => renderAndValidate(ctx)));
  const caddyfile = renderEnvironment(config, ctx, templates).find((f) => f.kind === 'caddyfile')!;
  const caddySamples: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    const result = await caddyValidate(caddyfile.content, { caddyPath: caddyBin });
    if (!result.ok) throw new Error(result.message);
    caddySamples.push(performance.now() - start);
  }
  results.push({
    environment: name,
    baseline: { name: 'render only', ...baseline },
    measured: { name: 'render + validate (HCL parse, jobspec schema, JSON)', ...measured },
    validationOverheadMedianMs: round(measured.medianMs - baseline.medianMs),
    withinTarget: measured.medianMs < TARGET_MS,
    caddyValidateProcess: stats(caddySamples),
  });
}

const report = {
  benchmark: 'render',
  example: 'examples/leap/prenv.yml',
  targetMs: TARGET_MS,
  date: new Date().toISOString(),
  machine: { node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown' },
  results,
};
mkdirSync(path.join(root, 'bench/results'), { recursive: true });
writeFileSync(path.join(root, 'bench/results/render.json'), `${JSON.stringify(report, null, 2)}\n`);

process.stdout.write(
  `render + validate, leap example, ${RUNS} runs per environment (target < ${TARGET_MS} ms)\n`,
);
process.stdout.write(
  'environment  baseline median/p95    measured median/p95    overhead  caddy validate (median)\n',
);
for (const r of results) {
  process.stdout.write(
    `${r.environment.padEnd(12)} ${`${r.baseline.medianMs} / ${r.baseline.p95Ms} ms`.padEnd(22)} ` +
      `${`${r.measured.medianMs} / ${r.measured.p95Ms} ms`.padEnd(22)} ${`${r.validationOverheadMedianMs} ms`.padEnd(9)} ` +
      `${r.caddyValidateProcess.medianMs} ms\n`,
  );
}
process.stdout.write('written to bench/results/render.json\n');
