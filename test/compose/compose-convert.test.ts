import { describe, expect, it } from 'vitest';
import {
  cpuMHz,
  httpHealthCheck,
  memoryMiB,
  prenvName,
  splitCommand,
} from '../../generators/compose/compose-values.js';
import { convertEnvironment, type AddressBook } from '../../generators/compose/compose-env.js';
import {
  isLoopback,
  isPublicTcp,
  parseExpose,
  parsePort,
} from '../../generators/compose/compose-ports.js';
import { importCompose } from '../../generators/compose/from-compose.js';

describe('Compose value converters', () => {
  it.each([
    ['3000', { target: 3000, protocol: 'tcp', publishes: true }],
    ['8080:3000', { target: 3000, published: '8080', protocol: 'tcp', publishes: true }],
    [
      '127.0.0.1:8080:3000/tcp',
      { target: 3000, published: '8080', hostIp: '127.0.0.1', protocol: 'tcp', publishes: true },
    ],
    [
      '[::1]:80:80',
      { target: 80, published: '80', hostIp: '::1', protocol: 'tcp', publishes: true },
    ],
    ['3478:3478/udp', { target: 3478, published: '3478', protocol: 'udp', publishes: true }],
    [
      '9000-9001:9000-9001',
      { target: 9000, published: '9000-9001', protocol: 'tcp', publishes: true },
    ],
    [
      { target: 5432, published: '5432', host_ip: '127.0.0.1', protocol: 'tcp' },
      { target: 5432, published: '5432', hostIp: '127.0.0.1', protocol: 'tcp', publishes: true },
    ],
    [
      { target: 80, published: 8080 },
      { target: 80, published: '8080', protocol: 'tcp', publishes: true },
    ],
    [5432, { target: 5432, protocol: 'tcp', publishes: true }],
    ['nonsense', undefined],
  ])('parsePort(%j)', (spec, parsed) => {
    expect(parsePort(spec)).toEqual(parsed);
  });

  it.each([
    ['3000:3000', true],
    ['0.0.0.0:3000:3000', true],
    ['127.0.0.1:3000:3000', false],
    ['127.0.1.1:3000:3000', false],
    ['[::1]:3000:3000', false],
    ['3000:3000/udp', false],
  ])('isPublicTcp(%j) = %j', (spec, expected) => {
    const port = parsePort(spec);
    if (!port) throw new Error('unparsed');
    expect(isPublicTcp(port)).toBe(expected);
  });

  it('reads expose entries as private ports', () => {
    const port = parseExpose('8000/tcp');
    expect(port).toEqual({ target: 8000, protocol: 'tcp', publishes: false });
    expect(port && (isPublicTcp(port) || isLoopback(port))).toBe(false);
  });

  it.each([
    ['512M', 512],
    ['2g', 2048],
    ['1.5GB', 1536],
    ['256MiB', 256],
    [1073741824, 1024],
    ['lots', undefined],
  ])('memoryMiB(%j) = %j', (value, mib) => {
    expect(memoryMiB(value)).toBe(mib);
  });

  it('turns CPUs into MHz', () => {
    expect(cpuMHz('0.25')).toBe(250);
    expect(cpuMHz(2)).toBe(2000);
    expect(cpuMHz('x')).toBeUndefined();
  });

  it('splits commands like a shell would for simple quoting', () => {
    expect(splitCommand('redis-server --appendonly yes')).toEqual([
      'redis-server',
      '--appendonly',
      'yes',
    ]);
    expect(splitCommand(`sh -c "echo 'hi there'"`)).toEqual(['sh', '-c', "echo 'hi there'"]);
    expect(splitCommand(['a', 'b c'])).toEqual(['a', 'b c']);
  });

  it.each([
    [
      ['CMD', 'curl', '-f', 'http://localhost:3000/api/health'],
      { port: 3000, path: '/api/health' },
    ],
    ['wget -qO- http://127.0.0.1:8000 || exit 1', { port: 8000, path: '/' }],
    [['CMD', 'wget', '-qO-', 'http://localhost/'], { path: '/' }],
    [['CMD-SHELL', 'pg_isready -U postgres'], undefined],
    [['CMD', 'curl', '-f', 'http://example.com/health'], undefined],
    [
      ['CMD-SHELL', "curl -s --noproxy localhost localhost:3000/health | grep -q 'OK' || exit 1"],
      { port: 3000, path: '/health' },
    ],
    ['wget -q -O /dev/null 127.0.0.1:4000/api/v1/health', { port: 4000, path: '/api/v1/health' }],
    [['CMD', 'curl', '--noproxy', 'localhost', 'example.com:3000/health'], undefined],
  ])('httpHealthCheck(%j)', (test, expected) => {
    expect(httpHealthCheck(test)).toEqual(expected);
  });

  it('makes prenv names out of Compose names', () => {
    expect(prenvName('celery_worker')).toBe('celery-worker');
    expect(prenvName('Postgres_Data')).toBe('postgres-data');
    expect(prenvName('9lives')).toBe('lives');
  });
});

describe('convertEnvironment', () => {
  const book: AddressBook = {
    hosts: new Map([
      ['redis', 'redis'],
      ['db_main', 'db-main'],
      ['postgres', 'postgres'],
    ]),
    ports: new Map([
      ['redis', 6379],
      ['db-main', 5432],
      ['postgres', 5432],
    ]),
  };

  it.each([
    ['redis://redis:6379/0', 'redis://{{service.redis}}/0'],
    ['redis://redis', 'redis://{{service.redis}}'],
    // A password written inside the URL is a secret; the host is still wired.
    ['postgres://u:pw@db_main:5432/x', 'postgres://u:{{secret.V_PASSWORD}}@{{service.db-main}}/x'],
    ['postgres://u:{{secret.P}}@postgres/x', 'postgres://u:{{secret.P}}@{{service.postgres}}/x'],
    ['redis:6379', '{{service.redis}}'],
    ['redis:6379,db_main:5432', '{{service.redis}},{{service.db-main}}'],
    // Values that merely equal or contain a service name are left exactly as written.
    ['postgres', 'postgres'],
    ['redis', 'redis'],
    ['example/redis/uploader:1', 'example/redis/uploader:1'],
    ['http://example.com/postgres', 'http://example.com/postgres'],
    ['postgres-backup', 'postgres-backup'],
    // A port the service does not listen on in prenv is not rewritten to one it does.
    ['redis://redis:7000', 'redis://redis:7000'],
  ])('wires %j as %j', (value, wired) => {
    expect(convertEnvironment({ V: value }, book, []).env).toEqual({ V: wired });
  });

  it('makes valueless variables and interpolated secrets secrets, keeping other values', () => {
    const out = convertEnvironment(
      ['A={{secret.A}}', 'B', 'C=plain', 'D=x-{{secret.D_TOKEN}}', 'HASH=$2a$10$abc'],
      book,
      [
        { service: 's', key: 'A', variable: 'A', why: 'unset' },
        { service: 's', key: 'D', variable: 'D_TOKEN', why: 'secret-name' },
      ],
    );
    expect(out.secrets.map((s) => s.name)).toEqual(['A', 'B', 'D_TOKEN']);
    expect(out.env).toEqual({ C: 'plain', D: 'x-{{secret.D_TOKEN}}', HASH: '$2a$10$abc' });
  });

  it.each([
    [
      { CACHE_HOST: 'redis', CACHE_PORT: '6379' },
      { CACHE_HOST: '{{service.redis.host}}', CACHE_PORT: '{{service.redis.port}}' },
      'CACHE_HOST and CACHE_PORT reach redis together',
    ],
    [
      { DBHOST: 'db_main', DBPORT: '5432' },
      { DBHOST: '{{service.db-main.host}}', DBPORT: '{{service.db-main.port}}' },
      'DBHOST and DBPORT reach db-main together',
    ],
    [
      { DB_HOST: 'postgres' },
      { DB_HOST: 'postgres' },
      'DB_HOST=postgres names service postgres without a port',
    ],
    [
      { CACHE_HOST: 'redis', CACHE_PORT: '6380' },
      { CACHE_HOST: 'redis', CACHE_PORT: '6380' },
      'but CACHE_PORT is not its port 6379',
    ],
  ])('wires a host and port pair together, or reports it: %j', (env, wired, note) => {
    const out = convertEnvironment(env, book, []);
    expect(out.env).toEqual(wired);
    expect(out.notes).toEqual([expect.stringContaining(note) as string]);
  });
});

describe('importCompose', () => {
  const options = {
    project: 'shop',
    github: { owner: 'acme', repo: 'shop' },
    domain: 'shop.example.com',
  };
  const services = (compose: Record<string, unknown>) =>
    importCompose({ compose: { services: compose } }, options).config.services as Record<
      string,
      Record<string, unknown>
    >;

  it('merges extends within the file and names one image for services that build the same context', () => {
    const out = services({
      app: { build: './app', ports: ['8000:8000'], environment: { A: '1', B: '2' } },
      worker: { extends: { service: 'app' }, command: 'work', environment: { B: 'x' } },
      other: { build: './other' },
    });
    expect(out.app?.image).toBe('shop/app:{{sha}}');
    expect(out.worker).toMatchObject({
      image: 'shop/app:{{sha}}',
      command: 'work',
      env: { A: '1', B: 'x' },
    });
    expect(out.other?.image).toBe('shop/other:{{sha}}');
  });

  it('reports that a one-shot run as a prestart task does not wait for a healthy dependency', () => {
    const imported = importCompose(
      {
        compose: {
          services: {
            db: { image: 'postgres:16' },
            migrate: {
              image: 'acme/app:1',
              command: 'migrate',
              depends_on: { db: { condition: 'service_healthy' } },
            },
            web: {
              image: 'acme/app:1',
              ports: ['8000:8000'],
              depends_on: { migrate: { condition: 'service_completed_successfully' } },
            },
          },
        },
      },
      options,
    );
    expect(imported.dropped).toContainEqual({
      path: 'services.migrate.depends_on.condition',
      reason: expect.stringContaining('a prestart task starts with its group') as string,
    });
  });

  it('takes the port others reach a service on, not one the service names itself', () => {
    const out = services({
      kafka: {
        image: 'confluentinc/cp-kafka:7.6.1',
        environment: {
          KAFKA_ADVERTISED_LISTENERS: 'INTERNAL://kafka:9093,EXTERNAL://kafka:9092',
        },
      },
      consumer: { image: 'acme/consumer:1', environment: { BROKERS: 'kafka:9092' } },
    });
    expect(out.kafka?.port).toBe(9092);
    expect(out.consumer?.env).toEqual({ BROKERS: '{{service.kafka}}' });
  });

  it('runs a chain of one-shot services before the service at its end', () => {
    const out = services({
      app: {
        image: 'a',
        ports: ['80:80'],
        depends_on: { migrate: { condition: 'service_completed_successfully' } },
      },
      migrate: {
        image: 'a',
        command: 'migrate',
        depends_on: { seed: { condition: 'service_completed_successfully' } },
      },
      seed: { image: 'a', command: 'seed' },
    });
    expect(Object.keys(out)).toEqual(['app']);
    expect(Object.keys(out.app?.prestart as object)).toEqual(['migrate', 'seed']);
  });

  it('says when nothing is left to carry', () => {
    const result = importCompose(
      { compose: { services: { traefik: { image: 'traefik:v3' } } } },
      options,
    );
    expect(result.problems).toEqual([
      {
        path: ['services'],
        message: 'no service to carry over: every service is a reverse proxy or a one-shot task',
      },
    ]);
  });

  it('routes a service by its Traefik labels and uses their port', () => {
    const result = importCompose(
      {
        compose: {
          services: {
            traefik: { image: 'traefik:v3' },
            api: {
              build: '.',
              labels: [
                'traefik.http.routers.a.rule=PathPrefix(`/api`)',
                'traefik.http.services.a.loadbalancer.server.port=9000',
              ],
            },
          },
        },
      },
      options,
    );
    expect(result.routes).toEqual([
      { service: 'api', path: '/api', why: 'its traefik labels route /api to it' },
    ]);
    expect(result.config.services).toMatchObject({ api: { port: 9000, route: { path: '/api' } } });
  });

  it.each([
    ['expose', { search: { image: 's', expose: ['7700'] } }, 7700],
    [
      'the port of its healthcheck URL',
      {
        search: {
          image: 's',
          healthcheck: { test: ['CMD', 'wget', '-q', 'http://localhost:7700/health'] },
        },
      },
      7700,
    ],
    [
      "another service's URL to it",
      {
        search: { image: 's' },
        app: { image: 'a', environment: { SEARCH_URL: 'http://search:7700' } },
      },
      7700,
    ],
  ])(
    'gives a service reached on an unpublished port (%s) a port, so it gets a Consul service',
    (_, compose, port) => {
      const out = services(compose);
      expect(out.search).toMatchObject({ port });
      expect(out.search?.route).toBeUndefined();
    },
  );

  it('keeps a bcrypt hash written with $$ as a literal value, not a secret', () => {
    const result = importCompose(
      {
        compose: {
          services: {
            app: { image: 'a', environment: { ADMIN_HASH: '$2a$10$N9qo8uLOickgx2ZMRZoMye' } },
          },
        },
      },
      options,
    );
    expect(result.secrets).toEqual([]);
    expect(result.config.services).toMatchObject({
      app: { env: { ADMIN_HASH: '$2a$10$N9qo8uLOickgx2ZMRZoMye' } },
    });
  });
});
