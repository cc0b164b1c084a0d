import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, toolsBin } from '../support/tools.js';
import { runCli } from './run-cli.js';

const env = { PATH: process.env.PATH, PRENV_CADDY_BIN: path.join(toolsBin, 'caddy') };
const leap = ['--config', 'examples/leap/prenv.yml'];

describe('prenv render', () => {
  it('writes one file per job, the Caddy files and the Terraform variables', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'prenv-render-'));
    const run = await runCli(
      [
        'render',
        'pr',
        '7',
        '--sha',
        '3f2c9a1',
        '--branch',
        'feature/login',
        '--title',
        'Add the login page',
        '--out',
        out,
        ...leap,
      ],
      { env },
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const golden = path.join(repoRoot, 'examples/leap/golden/pr-7');
    expect(readdirSync(out).sort()).toEqual(readdirSync(golden).sort());
    for (const name of readdirSync(golden)) {
      expect(readFileSync(path.join(out, name), 'utf8')).toBe(
        readFileSync(path.join(golden, name), 'utf8'),
      );
    }
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[0]).toBe(
      `ok    ${path.relative(repoRoot, path.join(out, 'leap-pr-7.nomad.hcl'))}  (hcl, jobspec)`,
    );
    expect(lines[4]).toMatch(/^ok {4}.*terraform\.tfvars\.json {2}\(json\)$/);
    // The PR's periodic job and its next runs after the context's clock (2026-11-22 12:00 UTC).
    expect(lines[5]).toBe(
      'schedule  leap-pr-7-cleanup-media  "0 3 * * *" (UTC)  next: 2026-11-23 03:00, 2026-11-24 03:00, 2026-11-25 03:00',
    );
  });

  it('writes into rendered/<env> by default', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'prenv-render-'));
    writeFileSync(
      path.join(cwd, 'prenv.yml'),
      readFileSync(path.join(repoRoot, 'examples/aipacto/prenv.yml')),
    );
    const run = await runCli(['render', 'staging', '--sha', 'abc1234'], { env, cwd });
    expect(run.code).toBe(0);
    expect(readdirSync(path.join(cwd, 'rendered/staging')).sort()).toEqual([
      'Caddyfile',
      'aipacto-staging.nomad.hcl',
      'caddy-route.json',
      'terraform.tfvars.json',
    ]);
  });

  it('--check validates without writing, and --json lists files and results', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'prenv-render-'));
    const run = await runCli(
      [
        'render',
        'production',
        '--sha',
        'abc1234',
        '--check',
        '--json',
        '--config',
        path.join(repoRoot, 'examples/quetrex/prenv.yml'),
      ],
      { env, cwd },
    );
    expect(run.code).toBe(0);
    expect(readdirSync(cwd)).toEqual([]);
    const report = JSON.parse(run.stdout) as {
      ok: boolean;
      out: string | null;
      files: { path: string; checks: string[]; errors: unknown[] }[];
      schedules: unknown[];
    };
    expect(report.ok).toBe(true);
    expect(report.out).toBeNull();
    expect(report.files.map((f) => [f.path, f.checks])).toEqual([
      ['quetrex-production.nomad.hcl', ['hcl', 'jobspec']],
      ['quetrex-production-backup-db.nomad.hcl', ['hcl', 'jobspec']],
      ['Caddyfile', ['caddy']],
      ['caddy-route.json', ['json', 'caddy']],
      ['terraform.tfvars.json', ['json']],
    ]);
    expect(report.schedules).toEqual([
      {
        job: 'quetrex-production-backup-db',
        cron: '0 3 * * *',
        timeZone: 'UTC',
        next: ['2026-11-23T03:00:00.000Z', '2026-11-24T03:00:00.000Z', '2026-11-25T03:00:00.000Z'],
      },
    ]);
  });

  it('fails with file:line:column and writes nothing when a template renders broken HCL', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'prenv-render-'));
    const templates = path.join(cwd, 'templates');
    // A copy of the templates with one broken line, through PRENV_TEMPLATES.
    cpSync(path.join(repoRoot, 'nomad'), path.join(templates, 'nomad'), { recursive: true });
    cpSync(path.join(repoRoot, 'caddy'), path.join(templates, 'caddy'), { recursive: true });
    const group = path.join(templates, 'nomad/_group.hcl.hbs');
    writeFileSync(
      group,
      readFileSync(group, 'utf8').replace('  count = {{count}}', '  count = = {{count}}'),
    );
    const run = await runCli(
      [
        'render',
        'production',
        '--sha',
        'abc1234',
        ...leap.slice(0, 1),
        path.join(repoRoot, leap[1]!),
      ],
      {
        env: { ...env, PRENV_TEMPLATES: templates },
        cwd,
      },
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^FAIL {2}leap-production\.nomad\.hcl {2}\(hcl, jobspec\)$/m);
    expect(run.stdout).toMatch(/^ {6}leap-production\.nomad\.hcl:22:13: Invalid expression/m);
    expect(run.stdout).toContain('Nothing was written');
    expect(readdirSync(cwd)).toEqual(['templates']);
  });

  it('asks for --sha when the images need it, as for a missing argument (exit 2)', async () => {
    const run = await runCli(['render', 'pr', '7', ...leap], { env });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('prenv: cannot render pr-7:\n');
    expect(run.stderr).toContain(
      'examples/leap/prenv.yml: services.api.image: uses {{sha}}, so a commit SHA is needed (pass --sha)',
    );
  });

  it('explains wrong arguments', async () => {
    expect((await runCli(['render', 'pr', ...leap], { env })).stderr).toContain(
      'needs the pull request number',
    );
    expect((await runCli(['render', 'qa', ...leap], { env })).stderr).toContain(
      'unknown environment "qa"',
    );
    const branch = await runCli(['render', 'staging', '--branch', 'x', ...leap], { env });
    expect(branch.code).toBe(2);
    expect(branch.stderr).toContain(
      '--branch and --title only apply to `prenv render pr <number>`',
    );
  });
});
