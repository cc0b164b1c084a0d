import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../bot/config/load.js';
import { runCli } from '../cli/run-cli.js';
import { repoRoot } from '../support/tools.js';

const quetrexCompose = path.join(repoRoot, 'examples/quetrex/docker-compose.yml');

function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'prenv-init-'));
}

describe('prenv init --from-compose', () => {
  it('turns the Quetrex Compose file into a valid prenv.yml and lists what it dropped', async () => {
    const out = path.join(tempDir(), 'prenv.yml');
    const run = await runCli([
      'init',
      '--from-compose',
      quetrexCompose,
      '--out',
      out,
      '--github',
      'quetrex/platform',
      '--domain',
      'quetrex.app',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Wrote ${out} with 3 service(s) from docker-compose.yml.`);
    expect(run.stdout).toContain(
      '  / → web: the proxy forwards to it (depends_on) and it listens on 3000',
    );
    expect(run.stdout).toContain(
      '  - restart (web, postgres, redis): Nomad restarts and reschedules tasks itself',
    );
    expect(run.stdout).toContain(
      '  - services.nginx: reverse proxy and certificates are replaced by Caddy routes',
    );
    expect(run.stdout).toContain('  - build (web): prenv deploys images');

    const result = parseConfig(readFileSync(out, 'utf8'), out);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const { services } = result.config;
    expect(Object.keys(services)).toEqual(['web', 'postgres', 'redis']);
    expect(services.web).toMatchObject({
      image: 'quetrex/web:{{sha}}',
      port: 3000,
      route: [{ path: '/', websocket: false }],
      env: {
        // Wired to the sibling service, with the password from Consul KV: not an opaque secret.
        DATABASE_URL: 'postgresql://quetrex:{{secret.DB_PASSWORD}}@{{service.postgres}}/quetrex',
        REDIS_URL: 'redis://{{service.redis}}',
      },
      depends_on: ['postgres', 'redis'],
    });
    expect(services.web?.secrets).toContain('DB_PASSWORD');
    expect(services.web?.secrets).toContain('STRIPE_SECRET_KEY');
    expect(services.web?.secrets).not.toContain('DATABASE_URL');
    expect(services.postgres).toMatchObject({
      image: 'postgres:16-alpine',
      port: 5432,
      env: { POSTGRES_PASSWORD: '{{secret.DB_PASSWORD}}' },
      secrets: ['DB_PASSWORD'],
      volumes: [{ name: 'postgres-data', path: '/var/lib/postgresql/data', read_only: false }],
    });
    expect(services.postgres?.route).toEqual([]);
    expect(services.redis).toMatchObject({
      command: 'redis-server',
      args: ['--appendonly', 'yes'],
    });
  });

  it('lists every dropped key once, as JSON with --json', async () => {
    const out = path.join(tempDir(), 'prenv.yml');
    const run = await runCli(['init', '--from-compose', quetrexCompose, '--out', out, '--json']);
    const report = JSON.parse(run.stdout) as { dropped: { key: string; services: string[] }[] };
    const keys = report.dropped.map((d) => d.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toEqual(['build', 'restart', 'services.nginx', 'version']);
  });

  it('never drops a service silently and reports unknown keys', async () => {
    const dir = tempDir();
    const compose = path.join(dir, 'docker-compose.yml');
    writeFileSync(
      compose,
      `services:
  api:
    image: acme/api:1
    ports: ["8000:8000", "9000:9000"]
    stop_grace_period: 30s
    volumes: ["./config.yml:/etc/api.yml:ro", "media:/app/media"]
  worker:
    image: acme/api:1
    command: ["celery", "-A", "api", "worker"]
    deploy: { replicas: 2, resources: { limits: { cpus: "0.5", memory: 1G } }, placement: {} }
`,
    );
    const run = await runCli([
      'init',
      '--from-compose',
      compose,
      '--out',
      path.join(dir, 'p.yml'),
      '--json',
    ]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as {
      services: string[];
      dropped: { key: string; services: string[] }[];
    };
    expect(report.services).toEqual(['api', 'worker']);
    expect(report.dropped).toEqual([
      {
        key: 'ports.1',
        services: ['api'],
        reason: expect.stringContaining('a prenv service has one port') as string,
      },
      {
        key: 'volumes.0',
        services: ['api'],
        reason: expect.stringContaining('bind mount') as string,
      },
      { key: 'stop_grace_period', services: ['api'], reason: 'not supported by prenv' },
      { key: 'deploy.placement', services: ['worker'], reason: 'not supported by prenv' },
    ]);
    const config = parseConfig(readFileSync(path.join(dir, 'p.yml'), 'utf8'), 'p.yml');
    if (!config.ok) throw new Error(JSON.stringify(config.problems));
    expect(config.config.services.worker).toMatchObject({
      command: 'celery',
      args: ['-A', 'api', 'worker'],
      count: { production: 2, staging: 1, pr: 1 },
      resources: { cpu: 500, memory: 1024 },
    });
    expect(config.config.services.api?.volumes).toEqual([
      { name: 'media', path: '/app/media', read_only: false },
    ]);
  });

  it('checks every environment as render --check does, and writes nothing that render refuses', async () => {
    const dir = tempDir();
    const compose = path.join(dir, 'docker-compose.yml');
    // A Go template in a value reads as an unknown prenv placeholder: render would refuse it.
    writeFileSync(
      compose,
      'services:\n  app:\n    image: acme/app:1\n    ports: ["3000:3000"]\n    environment:\n      FORMAT: "{{json}}"\n',
    );
    const out = path.join(dir, 'prenv.yml');
    const run = await runCli(['init', '--from-compose', compose, '--out', out]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('does not pass render --check');
    expect(run.stderr).toContain('production:');
    expect(run.stderr).toContain('pr-7:');
    expect(run.stderr).toContain('services.app.env.FORMAT: unknown placeholder "{{json}}"');
    expect(existsSync(out)).toBe(false);
  });

  it('carries env_file variables into env, secret ones by name only, and reports a missing file', async () => {
    const dir = tempDir();
    writeFileSync(
      path.join(dir, 'docker-compose.yml'),
      `services:
  app:
    image: acme/app:1
    ports: ["3000:3000"]
    env_file: [app.env, { path: optional.env, required: false }]
    environment: { LOG_LEVEL: debug }
  worker:
    image: acme/app:1
    env_file: gone.env
  db:
    image: postgres:16
`,
    );
    writeFileSync(
      path.join(dir, 'app.env'),
      'LOG_LEVEL=info\nDB_HOST=db\nDB_PORT=5432\nAPP_SECRET=s3cr3t\nDATABASE_URL=postgres://u:hunter2@db:5432/x\n',
    );
    const out = path.join(dir, 'prenv.yml');
    const run = await runCli([
      'init',
      '--from-compose',
      path.join(dir, 'docker-compose.yml'),
      '--out',
      out,
      '--json',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text).not.toContain('s3cr3t');
    expect(text).not.toContain('hunter2');
    const config = parseConfig(text, 'prenv.yml');
    if (!config.ok) throw new Error(JSON.stringify(config.problems));
    expect(config.config.services.app).toMatchObject({
      env: { LOG_LEVEL: 'debug', DB_HOST: '{{service.db.host}}', DB_PORT: '{{service.db.port}}' },
      secrets: ['APP_SECRET', 'DATABASE_URL'],
    });
    const report = JSON.parse(run.stdout) as {
      dropped: { key: string; services: string[]; reason: string }[];
    };
    expect(report.dropped).toEqual([
      {
        key: 'env_file',
        services: ['worker'],
        reason: 'gone.env: not found beside the Compose file; its variables are missing',
      },
    ]);
  });

  it('routes an app bound to loopback for a host proxy, and lists each port key once', async () => {
    const dir = tempDir();
    const compose = path.join(dir, 'docker-compose.yml');
    writeFileSync(
      compose,
      `services:
  db:
    image: postgres:16
    ports: ["127.0.0.1:5432:5432"]
  analytics:
    image: acme/analytics:2
    ports: ["127.0.0.1:8000:8000"]
    environment:
      DATABASE_URL: postgres://db:5432/analytics
      S3_URL: http://minio:9000
  minio:
    image: minio/minio:RELEASE.2024-06-13T22-53-53Z
    ports: ["9000:9000", "9001:9001"]
`,
    );
    const run = await runCli([
      'init',
      '--from-compose',
      compose,
      '--out',
      path.join(dir, 'p.yml'),
      '--json',
    ]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as {
      routes: { service: string; path: string; why: string }[];
      dropped: { key: string; services: string[]; reason: string }[];
    };
    expect(report.routes).toEqual([
      {
        service: 'analytics',
        path: '/',
        why: expect.stringContaining('publishes 8000 to loopback') as string,
      },
    ]);
    expect(report.dropped).toEqual([
      { key: 'ports', services: ['db'], reason: expect.stringContaining('loopback') as string },
      {
        key: 'ports',
        services: ['minio'],
        reason: expect.stringContaining('not the app') as string,
      },
      {
        key: 'ports.1',
        services: ['minio'],
        reason: expect.stringContaining('one port') as string,
      },
    ]);
  });

  it('refuses to overwrite an existing file without --force', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'prenv.yml');
    writeFileSync(out, 'keep me');
    const run = await runCli(['init', '--from-compose', quetrexCompose, '--out', out]);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('exists; pass --force to overwrite it');
    expect(readFileSync(out, 'utf8')).toBe('keep me');
  });

  it('says when the input is not a Compose file', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'x.yml');
    writeFileSync(file, 'just: text\n');
    const run = await runCli(['init', '--from-compose', file, '--out', path.join(dir, 'p.yml')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no "services" found; is this a Compose file?');
  });
});

describe('a prenv.yml written from the Quetrex Compose file', () => {
  it('renders every environment and passes every check', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'prenv.yml');
    const init = await runCli([
      'init',
      '--from-compose',
      quetrexCompose,
      '--out',
      out,
      '--github',
      'quetrex/platform',
      '--domain',
      'quetrex.app',
    ]);
    expect(init.code).toBe(0);
    for (const env of [['production'], ['staging'], ['pr', '7']]) {
      const run = await runCli(['render', ...env, '--sha', '3f2c9a1', '--check', '--config', out]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
    }
  });

  // A user's first try: an nginx that is the app, a database, and literal credentials.
  const token = 'ghp_0123456789abcdefghijklmnopqrstuvwxyzAB';
  it.each([
    [
      'the app is a plain nginx that depends on a database',
      `services:
  web:
    image: nginx:1.27
    ports: ["8080:80"]
    depends_on: [db]
    environment:
      API_TOKEN: ${token}
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: hunter2
`,
      ['/ → web: the only service that publishes a web port (80)'],
    ],
    [
      'the only published port is a database',
      `services:
  db:
    image: postgres:16
    ports: ["5432:5432"]
    environment:
      POSTGRES_PASSWORD: hunter2
      DATABASE_URL: postgres://app:${token}@db/app
`,
      [
        'Public routes: none (no service speaks HTTP to the public: db publishes 5432, but postgres:16 is a database, cache or broker (postgres), not a web server; a public route would expose it to the internet); add `route:` to a service in prenv.yml to expose it on purpose.',
      ],
    ],
  ])(
    '%s: no route to the database, no literal secret written or printed',
    async (_, text, lines) => {
      const dir = tempDir();
      writeFileSync(path.join(dir, 'compose.yml'), text);
      const out = path.join(dir, 'prenv.yml');
      const run = await runCli(['init', '--from-compose', 'compose.yml', '--out', out], {
        cwd: dir,
      });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      for (const line of lines) expect(run.stdout).toContain(line);
      expect(run.stdout).not.toMatch(/→ db/);
      expect(run.stdout).toContain('POSTGRES_PASSWORD: written as a literal value');
      const written = readFileSync(out, 'utf8');
      const parsed = parseConfig(written, out);
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
      expect(parsed.config.services.db?.route).toEqual([]);
      expect(parsed.config.services.db?.secrets).toContain('POSTGRES_PASSWORD');
      for (const literal of ['hunter2', token]) {
        expect(written).not.toContain(literal);
        expect(run.stdout).not.toContain(literal);
      }
    },
  );
});
