import { describe, expect, it } from 'vitest';
import { formatProblem, parseConfig } from '../../bot/config/load.js';

const head = `project: shop
github: { owner: acme, repo: shop }
domain: shop.example.com
`;

function problems(text: string): string[] {
  const result = parseConfig(text, 'prenv.yml');
  if (result.ok) throw new Error('expected the config to be rejected');
  return result.problems.map(formatProblem);
}

describe('lists that are sets', () => {
  it.each([
    [
      'a service secret, flow style',
      `services:
  web:
    image: acme/web:1
    secrets: [DATABASE_URL, JWT_SECRET, DATABASE_URL]
`,
      'prenv.yml:7:41: services.web.secrets.2: repeats "DATABASE_URL" (already entry 1 of this list); list it once',
    ],
    [
      'a service secret, block style',
      `services:
  web:
    image: acme/web:1
    secrets:
      - JWT_SECRET
      - API_KEY
      - JWT_SECRET
`,
      'prenv.yml:10:9: services.web.secrets.2: repeats "JWT_SECRET" (already entry 1 of this list); list it once',
    ],
    [
      'a prestart task secret',
      `services:
  web:
    image: acme/web:1
    prestart:
      migrate: { image: acme/web:1, secrets: [DB, DB] }
`,
      'prenv.yml:8:51: services.web.prestart.migrate.secrets.1: repeats "DB" (already entry 1 of this list); list it once',
    ],
    [
      'a periodic job secret',
      `services:
  web: { image: acme/web:1 }
jobs:
  backup:
    cron: "0 3 * * *"
    image: acme/backup:1
    command: backup
    secrets: [S3_KEY, S3_KEY]
`,
      'prenv.yml:11:23: jobs.backup.secrets.1: repeats "S3_KEY" (already entry 1 of this list); list it once',
    ],
    [
      "a periodic job's environment",
      `services:
  web: { image: acme/web:1 }
jobs:
  backup:
    cron: "0 3 * * *"
    image: acme/backup:1
    command: backup
    environments: [production, staging, production]
`,
      'prenv.yml:11:41: jobs.backup.environments.2: repeats "production" (already entry 1 of this list); list it once',
    ],
    [
      'a dependency',
      `services:
  db:
    image: postgres:16
  web:
    image: acme/web:1
    depends_on: [db, db]
`,
      'prenv.yml:9:22: services.web.depends_on.1: repeats "db" (already entry 1 of this list); list it once',
    ],
  ])('%s is an error naming its path and line', (_name, body, message) => {
    expect(problems(head + body)).toEqual([message]);
  });

  it('names every repeat, and accepts the same key in two services', () => {
    expect(
      problems(`${head}services:
  web:
    image: acme/web:1
    secrets: [A, B, A, B, A]
  api:
    image: acme/api:1
    secrets: [A, B]
`).map((line) => line.split(': ').slice(0, 2).join(': ')),
    ).toEqual([
      'prenv.yml:7:21: services.web.secrets.2',
      'prenv.yml:7:24: services.web.secrets.3',
      'prenv.yml:7:27: services.web.secrets.4',
    ]);
  });
});
