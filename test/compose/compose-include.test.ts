import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../bot/config/load.js';
import {
  includeEntries,
  mergeIncluded,
  rebaseService,
} from '../../generators/compose/compose-include.js';
import { runCli } from '../cli/run-cli.js';
import { repoRoot } from '../support/tools.js';

// A stack split over files: `include` brings the database, `extends: { file }` the defaults.
const fixture = path.join(repoRoot, 'test', 'compose', 'fixtures', 'include-extends');

function copy(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'prenv-include-'));
  cpSync(fixture, dir, { recursive: true });
  return dir;
}

describe('include and extends from another file', () => {
  it.each([
    [['./a.yml'], [{ paths: ['./a.yml'], envFiles: [] }]],
    [
      [{ path: ['x/a.yml', 'x/b.yml'], project_directory: 'x', env_file: 'x/ci.env' }],
      [{ paths: ['x/a.yml', 'x/b.yml'], projectDirectory: 'x', envFiles: ['x/ci.env'] }],
    ],
    [undefined, []],
  ])('includeEntries(%j)', (value, expected) => {
    expect(includeEntries(value)).toEqual(expected);
  });

  it('makes the paths of a service from another folder relative to the including file', () => {
    expect(
      rebaseService(
        {
          image: 'x',
          env_file: ['db.env', { path: '../shared.env', required: false }],
          build: { context: '.' },
          extends: { file: 'base.yml', service: 'b' },
          volumes: [
            './data:/var/lib/data',
            'named:/cache',
            '/etc/localtime:/etc/localtime:ro',
            { type: 'bind', source: 'conf', target: '/conf' },
          ],
        },
        'infra',
      ),
    ).toEqual({
      image: 'x',
      env_file: ['./infra/db.env', { path: './shared.env', required: false }],
      build: { context: './infra' },
      extends: { file: './infra/base.yml', service: 'b' },
      volumes: [
        './infra/data:/var/lib/data',
        'named:/cache',
        '/etc/localtime:/etc/localtime:ro',
        { type: 'bind', source: './infra/conf', target: '/conf' },
      ],
    });
  });

  it('refuses a service defined both in the including and an included file', () => {
    const merged = mergeIncluded(
      { include: ['a.yml'], services: { db: { image: 'postgres:16' } } },
      [{ file: 'a.yml', dir: '.', doc: { services: { db: { image: 'mysql:8' } } } }],
    );
    expect(merged.problems).toEqual([
      {
        path: ['include'],
        message: expect.stringContaining(
          'services.db is defined both here and in the included a.yml',
        ) as string,
      },
    ]);
  });

  it('carries the included services and the inherited keys, each file with its own .env', async () => {
    const dir = copy();
    const out = path.join(dir, 'prenv.yml');
    const run = await runCli(['init', '--from-compose', 'compose.yaml', '--out', out, '--json'], {
      cwd: dir,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { dropped: { key: string }[]; services: string[] };
    expect(report.services).toEqual(['web', 'db']);
    expect(report.dropped).toEqual([]);
    const parsed = parseConfig(readFileSync(out, 'utf8'), 'prenv.yml');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    expect(parsed.config.services.web).toMatchObject({
      env: {
        FEATURE_FLAGS: 'search',
        LOG_LEVEL: 'info',
        TZ: 'UTC',
        DATABASE_URL: 'postgres://split@{{service.db}}/split',
      },
    });
    expect(parsed.config.services.db).toMatchObject({
      image: 'postgres:16',
      port: 5432,
      env: { POSTGRES_DB: 'split', POSTGRES_USER: 'split' },
      volumes: [{ name: 'pgdata', path: '/var/lib/postgresql/data' }],
    });
  });

  it('names an included file that cannot be read and writes nothing', async () => {
    const dir = copy();
    const compose = path.join(dir, 'compose.yaml');
    writeFileSync(compose, readFileSync(compose, 'utf8').replace('./infra/', './missing/'));
    const out = path.join(dir, 'prenv.yml');
    const run = await runCli(['init', '--from-compose', 'compose.yaml', '--out', out], {
      cwd: dir,
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('include: cannot read the Compose file missing/compose.yaml');
    expect(() => readFileSync(out)).toThrow();
  });

  it('names the service whose extends file cannot be read', async () => {
    const dir = copy();
    const compose = path.join(dir, 'compose.yaml');
    writeFileSync(compose, readFileSync(compose, 'utf8').replace('./common/base.yml', 'gone.yml'));
    const run = await runCli(['init', '--from-compose', 'compose.yaml', '--out', 'p.yml'], {
      cwd: dir,
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(
      'services.web.extends.file: cannot read the Compose file gone.yml',
    );
  });
});
