import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../bot/config/load.js';
import { runCli } from '../cli/run-cli.js';
import { repoRoot } from '../support/tools.js';
import {
  casesDir,
  convert,
  dropped,
  everything,
  expectGolden,
  goldenDir,
  init,
  tempDir,
  type Report,
} from './support/compose-case-run.js';

const EXPECTATIONS: Record<string, () => Promise<void>> = {
  '01-merge-keys': async () => {
    const c = await convert('01-merge-keys');
    const shop = {
      image: 'ghcr.io/example/shop:1.4.2',
      env: { SHOP_MODE: 'full', LOG_LEVEL: 'info' },
    };
    expect(c.config.services.web).toMatchObject(shop);
    expect(c.config.services.worker).toMatchObject({ ...shop, command: 'shop', args: ['worker'] });
    expect(c.report.dropped).toEqual([
      {
        key: 'restart',
        services: ['web', 'worker'],
        reason: 'Nomad restarts and reschedules tasks itself (restart/reschedule policy)',
      },
    ]);
    expect(everything(c.report)).not.toContain('x-app');
    expect(everything(c.report)).not.toContain('<<');
    await expectGolden('01-merge-keys', c);
  },

  '02-interpolation': async () => {
    const c = await convert('02-interpolation');
    expect(c.config.services.api).toMatchObject({
      image: 'registry.example.com/team/api:2.0.1',
      port: 9000,
      env: {
        GREETING: 'costs $5 per month',
        SHELL_PROMPT: '$USER@$HOST $ ',
        REGION: 'eu-central',
        MODE: 'standard',
      },
      secrets: [],
    });
    expect(c.report.secrets).toEqual([]);
    expect(c.report.dropped).toEqual([]);
    expect(c.run.stdout).not.toContain('{{secret');
    await expectGolden('02-interpolation', c);
    // The literal reaches the Nomad job as written, not as a variable and not doubled.
    expect(
      readFileSync(
        path.join(goldenDir, '02-interpolation', 'interpolation-production.nomad.hcl'),
        'utf8',
      ),
    ).toContain('"$USER@$HOST $ "');

    // Without the default and with API_TAG unset, init stops naming it.
    const dir = tempDir();
    cpSync(path.join(casesDir, '02-interpolation'), dir, { recursive: true });
    const compose = path.join(dir, 'docker-compose.yml');
    writeFileSync(
      compose,
      readFileSync(compose, 'utf8').replace('${API_TAG:-2.0.1}', '${API_TAG}'),
    );
    const failed = await init(dir);
    expect(failed.code).toBe(3);
    expect(failed.stderr).toContain(
      'docker-compose.yml:3:12: services.api.image: variable API_TAG is not set',
    );
    expect(existsSync(failed.out)).toBe(false);

    // --env-file replaces .env, as in Compose.
    writeFileSync(path.join(dir, 'ci.env'), 'API_TAG=3.1.0\nREGION=us-east\n');
    const withFile = await init(dir, ['--env-file', 'ci.env']);
    expect(withFile.code).toBe(0);
    expect(readFileSync(withFile.out, 'utf8')).toContain(
      'image: registry.example.com/team/api:3.1.0',
    );
    expect(readFileSync(withFile.out, 'utf8')).toContain('REGION: us-east');
  },

  '03-host-bound-and-udp': async () => {
    const c = await convert('03-host-bound-and-udp');
    expect(c.report.routes.map((r) => [r.path, r.service])).toEqual([['/', 'app']]);
    expect(c.config.services.dbadmin?.route).toEqual([]);
    expect(c.config.services.db).toMatchObject({ port: 5432, route: [] });
    expect(c.config.services.stun?.route).toEqual([]);
    expect(dropped(c.report, 'ports')).toEqual([
      {
        key: 'ports',
        services: ['dbadmin', 'db'],
        reason: expect.stringMatching(/loopback.*route: \{ path: \/NAME \}/) as string,
      },
    ]);
    expect(dropped(c.report, 'ports.0')).toEqual([
      { key: 'ports.0', services: ['stun'], reason: expect.stringContaining('UDP') as string },
    ]);
    expect(everything(c.report)).not.toMatch(/unknown|not a key/);
    await expectGolden('03-host-bound-and-udp', c);
  },

  '04-behind-proxy': async () => {
    const c = await convert('04-behind-proxy');
    expect(Object.keys(c.config.services)).toEqual(['ui', 'api', 'db']);
    expect(dropped(c.report, 'services.proxy')).toEqual([
      { key: 'services.proxy', services: [], reason: expect.stringContaining('Caddy') as string },
    ]);
    expect(c.config.services.ui).toMatchObject({
      port: 3000,
      route: [{ path: '/', websocket: false, max_body: '50MiB' }],
    });
    expect(c.config.services.api).toMatchObject({
      port: 8000,
      health: '/health',
      route: [
        { path: '/api', websocket: false, max_body: '50MiB' },
        { path: '/live', websocket: true, max_body: '50MiB' },
      ],
      env: { DB_URL: 'postgresql://board:{{secret.DB_PASSWORD}}@{{service.db}}/board' },
      secrets: ['DB_PASSWORD'],
    });
    expect(c.config.services.db?.volumes).toEqual([
      { name: 'dbdata', path: '/var/lib/postgresql/data', read_only: false },
    ]);
    await expectGolden('04-behind-proxy', c);
    const caddyfile = readFileSync(path.join(goldenDir, '04-behind-proxy', 'Caddyfile'), 'utf8');
    expect(caddyfile).toContain('@api-1 path /api /api/*');
    expect(caddyfile).toContain('@api-2 path /live /live/*');
  },

  '05-values-equal-service-names': async () => {
    const c = await convert('05-values-equal-service-names');
    // Values equal to a service name stay; the literal passwords (inside the URL, under
    // POSTGRES_PASSWORD) are secrets now, read from Consul KV: never written into prenv.yml.
    expect(c.config.services.web?.env).toEqual({
      DATABASE_URL:
        'postgres://tracker:{{secret.DATABASE_URL_PASSWORD}}@{{service.postgres}}/tracker',
      // Rewritten together: the port must be the one Nomad gives redis.
      CACHE_HOST: '{{service.redis.host}}',
      CACHE_PORT: '{{service.redis.port}}',
      TEAM_NAME: 'postgres',
    });
    expect(c.report.notes).toEqual([
      "web: CACHE_HOST and CACHE_PORT reach redis together: its address and Nomad's port, from Consul",
    ]);
    expect(c.config.services.postgres?.env).toEqual({
      POSTGRES_USER: 'postgres',
      POSTGRES_DB: 'tracker',
    });
    expect(c.config.services.postgres?.secrets).toEqual(['POSTGRES_PASSWORD']);
    expect(c.config.services.web?.secrets).toEqual(['DATABASE_URL_PASSWORD']);
    expect(c.text).not.toMatch(/tracker:secret@|POSTGRES_PASSWORD: postgres/);
    expect(c.config.services.uploader?.image).toBe('example/redis/uploader:1');
    await expectGolden('05-values-equal-service-names', c);
  },

  '06-data-dirs': async () => {
    const c = await convert('06-data-dirs');
    expect(c.config.services.db?.volumes).toEqual([
      { name: 'pg-data', path: '/var/lib/postgresql/data', read_only: false },
    ]);
    expect(c.config.services.cache?.volumes).toEqual([
      { name: 'redis', path: '/data', read_only: false },
    ]);
    expect(c.report.notes).toEqual([
      expect.stringMatching(
        /^db: \.\/pg-data .* persistent host volume "pg-data": \/opt\/prenv\/volumes\/pg-data/,
      ) as string,
      expect.stringMatching(/^cache: \.\/redis .* persistent host volume "redis"/) as string,
    ]);
    expect(c.report.dropped).toEqual([
      {
        key: 'tmpfs',
        services: ['app'],
        reason: expect.stringMatching(/^a tmpfs mount/) as string,
      },
    ]);
    expect(everything(c.report)).not.toMatch(/bake|bind mount/);
    await expectGolden('06-data-dirs', c);
  },

  '07-init-and-order': async () => {
    const c = await convert('07-init-and-order');
    expect(Object.keys(c.config.services)).toEqual(['app', 'db']);
    expect(c.config.services.app?.prestart).toEqual({
      migrate: {
        image: 'example/ledger:9',
        command: 'ledger',
        args: ['migrate'],
        env: {},
        secrets: [],
        resources: { cpu: 100, memory: 256 },
      },
    });
    expect(c.report.notes).toContain(
      'app: migrate runs to completion before app starts, on every deploy (a Nomad prestart task)',
    );
    expect(dropped(c.report, 'healthcheck')).toEqual([
      { key: 'healthcheck', services: ['db'], reason: expect.stringContaining('TCP') as string },
    ]);
    expect(dropped(c.report, 'depends_on.condition')).toEqual([
      {
        key: 'depends_on.condition',
        services: ['app'],
        reason: expect.stringContaining('retry') as string,
      },
      {
        key: 'depends_on.condition',
        services: ['migrate'],
        reason: expect.stringContaining('a prestart task starts with its group') as string,
      },
    ]);
    await expectGolden('07-init-and-order', c);
    const job = readFileSync(
      path.join(goldenDir, '07-init-and-order', 'init-and-order-production.nomad.hcl'),
      'utf8',
    );
    expect(job).toMatch(
      /task "migrate" \{\n\s+driver = "docker"\n\n\s+lifecycle \{\n\s+hook\s+= "prestart"\n\s+sidecar = false/,
    );
  },

  '08-names-and-profiles': async () => {
    const run = await init(path.join(casesDir, '08-names-and-profiles'));
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('services "api_v2" and "api-v2" both become "api-v2"');
    expect(existsSync(run.out)).toBe(false);

    const dir = tempDir();
    cpSync(path.join(casesDir, '08-names-and-profiles'), dir, { recursive: true });
    const compose = path.join(dir, 'docker-compose.yml');
    writeFileSync(compose, readFileSync(compose, 'utf8').replace('  api-v2:', '  canary:'));
    const without = await init(dir, ['--json']);
    expect(without.code).toBe(0);
    const report = JSON.parse(without.stdout) as Report;
    expect(report.services).toEqual(['api-v2', 'canary']);
    expect(report.skipped).toEqual([
      { service: 'debug', reason: 'in profile debug; pass --profile debug to include it' },
    ]);
    const withProfile = await init(dir, ['--json', '--profile', 'debug']);
    expect((JSON.parse(withProfile.stdout) as Report).services).toEqual([
      'api-v2',
      'canary',
      'debug',
    ]);
  },

  '09-capacity': async () => {
    const c = await convert('09-capacity');
    expect(c.report.capacity.map((x) => [x.env, x.key, x.serverType])).toEqual([
      ['staging', 'server_type', 'cx33'],
      ['pr', 'preview_server_type', 'cx33'],
    ]);
    expect(c.report.capacity[1]?.problem).toBe(
      'pr cannot be placed: its tasks reserve 5,120 MiB of memory, 1 × cx22 (3,584 MiB each for tasks after 512 MiB for the system and agents) offer 3,584 MiB: short by 1,536 MiB. To fix it, set hetzner.preview_server_type: cx33, or lower services.*.resources.memory or services.*.count.pr.',
    );
    expect(c.report.capacity.some((x) => x.env === 'production')).toBe(false);
    await expectGolden('09-capacity', c);

    // The same check in render --check, for a prenv.yml that keeps the default cx22.
    const file = path.join(tempDir(), 'prenv.yml');
    writeFileSync(file, c.text.replace(/hetzner:\n( {2}.*\n)+/, ''));
    const pr = await runCli(['render', 'pr', '7', '--sha', 'abc1234', '--check', '--config', file]);
    expect(pr.code).toBe(3);
    expect(pr.stderr).toContain('pr cannot be placed: its tasks reserve 5,120 MiB of memory');
    expect(pr.stderr).toContain('short by 1,536 MiB');
    const production = await runCli([
      'render',
      'production',
      '--sha',
      'abc1234',
      '--check',
      '--config',
      file,
    ]);
    expect(production.stderr).toBe('');
    expect(production.code).toBe(0);
  },

  '10-yaml-errors': async () => {
    const run = await init(path.join(casesDir, '10-yaml-errors'));
    expect(run.code).toBe(3);
    expect(run.stderr).toBe('prenv: docker-compose.yml:5:18: unknown alias "missing"\n');
    expect(existsSync(run.out)).toBe(false);

    // Large real files reuse many anchors; that is not an attack.
    const dir = tempDir();
    const lines = ['x-common:'];
    for (let i = 0; i < 150; i++) lines.push(`  l${i}: &l${i} { com.example.n: "${i}" }`);
    lines.push('services:');
    for (let i = 0; i < 150; i++) {
      lines.push(`  s${i}:`, '    image: example/app:1', `    labels:`, `      <<: [*l${i}]`);
      lines.push(`    x-a: *l${i}`, `    x-b: *l${i}`);
    }
    writeFileSync(path.join(dir, 'docker-compose.yml'), `${lines.join('\n')}\n`);
    const many = await init(dir, ['--json']);
    expect(many.stderr).toBe('');
    expect(many.code).toBe(0);
    expect((JSON.parse(many.stdout) as Report).services).toHaveLength(150);
  },
};

describe('prenv init --from-compose on the shared Compose cases', () => {
  it('has an expectation for every case folder', () => {
    expect(readdirSync(casesDir).sort()).toEqual(Object.keys(EXPECTATIONS).sort());
  });

  it.each(Object.keys(EXPECTATIONS))(
    '%s',
    async (name) => {
      await EXPECTATIONS[name]?.();
    },
    60_000,
  );
});

describe('prenv init --from-compose on the stacks kept in the repository', () => {
  it('converts the Quetrex Compose file (seed 000) exactly as reviewed', async () => {
    const dir = path.join(repoRoot, 'examples', 'quetrex');
    const run = await init(dir, ['--github', 'quetrex/platform', '--domain', 'quetrex.app']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const text = readFileSync(run.out, 'utf8');
    const parsed = parseConfig(text, 'prenv.yml');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    await expectGolden('quetrex', { run, text, report: {} as Report, config: parsed.config });
  });
});
