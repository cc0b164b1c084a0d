import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../bot/config/load.js';
import { renderEnvironment } from '../../generators/render-environment.js';
import { exampleConfig, repoTemplates } from '../generators/render-support.js';

const quetrex = readFileSync('examples/quetrex/prenv.yml', 'utf8');

describe('backups in prenv.yml', () => {
  it('names a database service that does not exist, with its path', () => {
    const result = parseConfig(quetrex.replace('service: postgres', 'service: pg'), 'prenv.yml');
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).toContain('backups.postgres.db.service');
    expect(JSON.stringify(result)).toContain('unknown service \\"pg\\"');
  });

  it('renders the backup job only in the environments it lists', async () => {
    const config = exampleConfig('quetrex');
    const templates = await repoTemplates();
    const jobs = (kind: 'production' | 'staging') =>
      renderEnvironment(config, { kind, sha: 'abc1234' }, templates)
        .filter((f) => f.kind === 'nomad-job')
        .map((f) => f.path);
    expect(jobs('production')).toContain('quetrex-production-backup-db.nomad.hcl');
    expect(jobs('staging').some((p) => p.includes('backup'))).toBe(false);
  });

  it('keeps no backup on a node volume any more', async () => {
    const config = exampleConfig('quetrex');
    const files = renderEnvironment(
      config,
      { kind: 'production', sha: 'abc1234' },
      await repoTemplates(),
    );
    const tfvars = JSON.parse(files.find((f) => f.kind === 'tfvars')!.content) as {
      host_volumes: string[];
    };
    expect(tfvars.host_volumes).not.toContain('backups');
  });
});

const withRetention = (retention: string): string => {
  expect(quetrex).toMatch(/^ {2}retention: \S+$/m);
  return quetrex.replace(/^ {2}retention: \S+$/m, `  retention: ${retention}`);
};

describe('backup retention and folders', () => {
  it.each(['0d', '0s', '90s', '23h'])('refuses a retention of %s, with its path', (retention) => {
    const result = parseConfig(withRetention(retention), 'prenv.yml');
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).toContain('backups.retention');
    expect(JSON.stringify(result)).toContain('between 1d and 3650d');
  });

  it.each(['1d', '24h', '30d'])('accepts a retention of %s', (retention) => {
    const result = parseConfig(withRetention(retention), 'prenv.yml');
    expect(result.ok, JSON.stringify(result)).toBe(true);
  });

  it.each([undefined, '', 'backups/'])(
    'gives each env its own folder under the prefix %j',
    async (prefix) => {
      const base = exampleConfig('quetrex');
      const backups = base.backups!;
      const config = {
        ...base,
        backups: {
          ...backups,
          s3: { ...backups.s3, ...(prefix === undefined ? {} : { prefix }) },
          postgres: Object.fromEntries(
            Object.entries(backups.postgres).map(([k, v]) => [
              k,
              { ...v, environments: ['production', 'staging'] as ('production' | 'staging')[] },
            ]),
          ),
        },
      } as typeof base;
      const templates = await repoTemplates();
      const prefixOf = (kind: 'production' | 'staging') => {
        const file = renderEnvironment(config, { kind, sha: 'abc1234' }, templates).find((f) =>
          f.path.includes('backup-db'),
        )!;
        return /BACKUP_PREFIX\s*=\s*"([^"]*)"/.exec(file.content)?.[1];
      };
      const root = prefix ?? 'quetrex/';
      expect(prefixOf('production')).toBe(`${root}production/`);
      expect(prefixOf('staging')).toBe(`${root}staging/`);
    },
  );
});
