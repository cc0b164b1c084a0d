import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatProblem, parseConfig } from '../../bot/config/load.js';
import { MINIMAL_CONFIG } from './minimal-config.js';

/*
 * Secrets reach the task through an `env = true` template, whose variables override the
 * task's `env` block and Nomad's runtime variables (nomad client/taskenv Builder.Build). A
 * secret named like either would replace it without a word, so the config refuses it.
 */

const base = MINIMAL_CONFIG;

function problems(text: string): string[] {
  const result = parseConfig(text, 'prenv.yml');
  return result.ok ? [] : result.problems.map(formatProblem);
}

const service = (secrets: string, env: string) =>
  base.replace(
    '    route: { path: / }\n',
    `    route: { path: / }\n    secrets: [${secrets}]\n    env: { ${env} }\n`,
  );
const prestart = (secrets: string, env: string) =>
  base.replace(
    '    route: { path: / }\n',
    `    route: { path: / }\n    prestart:\n      migrate:\n        image: "acme/web:{{sha}}"\n        command: ./migrate\n        secrets: [${secrets}]\n        env: { ${env} }\n`,
  );
const job = (secrets: string, env: string) =>
  `${base}jobs:\n  nightly:\n    cron: '0 3 * * *'\n    image: alpine:3.20\n    command: /bin/true\n    secrets: [${secrets}]\n    env: { ${env} }\n`;

describe('a secret never silently replaces another variable', () => {
  it.each([
    [
      'service, same name in env',
      service('API_KEY', 'API_KEY: x'),
      'services.web.env.API_KEY',
      'also listed in secrets',
    ],
    [
      'job, same name in env',
      job('API_KEY', 'API_KEY: x'),
      'jobs.nightly.env.API_KEY',
      'also listed in secrets',
    ],
    [
      'prestart task, same name in env',
      prestart('API_KEY', 'API_KEY: x'),
      'services.web.prestart.migrate.env.API_KEY',
      'also listed in secrets',
    ],
    [
      'prestart task, a Nomad variable',
      prestart('NOMAD_TASK_DIR', 'A: b'),
      'services.web.prestart.migrate.secrets.0',
      "Nomad's own",
    ],
    [
      'service, a Nomad variable',
      service('NOMAD_ALLOC_DIR', 'A: b'),
      'services.web.secrets.0',
      "Nomad's own",
    ],
    [
      'job, a Nomad variable',
      job('X, NOMAD_TASK_DIR', 'A: b'),
      'jobs.nightly.secrets.1',
      "Nomad's own",
    ],
  ])('refuses %s', (_name, text, path, message) => {
    const found = problems(text);
    expect(
      found.some((p) => p.includes(path) && p.includes(message)),
      found.join('\n'),
    ).toBe(true);
  });

  it.each([
    ['service', service('API_KEY', 'OTHER: x')],
    ['job', job('API_KEY', 'OTHER: x')],
    ['prestart task', prestart('API_KEY', 'OTHER: x')],
  ])('accepts a %s whose secrets and env differ', (_name, text) => {
    expect(problems(text)).toEqual([]);
  });

  const quetrex = readFileSync('examples/quetrex/prenv.yml', 'utf8');
  it.each(['PGUSER', 'PGDATABASE', 'PGADDR', 'BACKUP_NAME'])(
    "refuses a backup password secret named like the dump task's %s",
    (name) => {
      const text = quetrex.replaceAll('POSTGRES_PASSWORD', name);
      const found = problems(text);
      expect(
        found.some((p) => p.includes('backups.postgres.db.password_secret') && p.includes(name)),
        found.join('\n'),
      ).toBe(true);
    },
  );

  it('accepts PGPASSWORD as the backup password secret (the dump task sets it from the secret)', () => {
    const text = quetrex.replaceAll('POSTGRES_PASSWORD', 'PGPASSWORD');
    expect(problems(text)).toEqual([]);
  });
});
