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
