import { describe, expect, it } from 'vitest';
import { importCompose, type ComposeImport } from '../../generators/compose/from-compose.js';
import { findProxies, upstreamHosts } from '../../generators/compose/compose-proxies.js';
import { notHttp } from '../../generators/compose/compose-routes.js';
import { isSecretVariable } from '../../generators/compose/interpolate-compose.js';

const options = { project: 'shop', github: { owner: 'acme', repo: 'shop' }, domain: 'shop.test' };
type Services = Record<string, Record<string, unknown>>;
type Configs = Record<string, { file: string; text: string }[]>;

function run(services: Services, proxyConfigs?: Configs): ComposeImport {
  return importCompose(
    { compose: { services }, ...(proxyConfigs ? { proxyConfigs } : {}) },
    options,
  );
}
const carried = (r: ComposeImport) => r.config.services as Record<string, Record<string, unknown>>;
const droppedServices = (r: ComposeImport) =>
  r.dropped.filter((d) => /^services\.[^.]+$/.test(d.path)).map((d) => d.path.slice(9));

const postgres = { image: 'postgres:16', environment: { POSTGRES_PASSWORD: 'hunter2' } };
const nginxConf = (body: string): Configs => ({
  nginx: [{ file: 'nginx.conf', text: `events {}\nhttp { server { listen 80; ${body} } }` }],
});

describe('which service gets the public route', () => {
  it.each<[string, Services, Configs | undefined, [string, string][], string[]]>([
    [
      'a plain nginx that depends only on a database is the app',
      { web: { image: 'nginx:1.27', ports: ['8080:80'], depends_on: ['db'] }, db: postgres },
      undefined,
      [['/', 'web']],
      [],
    ],
    [
      'an nginx whose mounted conf proxies to app:3000 is dropped; app gets /',
      {
        nginx: {
          image: 'nginx:1.27',
          ports: ['80:80'],
          volumes: ['./nginx.conf:/etc/nginx/nginx.conf:ro'],
        },
        app: { image: 'acme/app:1' },
        db: postgres,
      },
      nginxConf('location / { proxy_pass http://app:3000; }'),
      [['/', 'app']],
      ['nginx'],
    ],
    [
      'an nginx whose conf only serves files and FastCGI is the app, not php-fpm',
      {
        nginx: { image: 'nginx:1.27', ports: ['80:80'], depends_on: ['php'] },
        php: { image: 'php:8.3-fpm' },
      },
      nginxConf('root /var/www; location ~ \\.php$ { fastcgi_pass php:9000; }'),
      [['/', 'nginx']],
      [],
    ],
    [
      'an nginx without a config in front of an HTTP service is a proxy (depends_on)',
      {
        proxy: { image: 'nginx:alpine', ports: ['80:80'], depends_on: ['api', 'db'] },
        api: { image: 'acme/api:1', expose: ['8000'] },
        db: postgres,
      },
      undefined,
      [['/', 'api']],
      ['proxy'],
    ],
    [
      'an nginx that serves mounted files is kept, even with an HTTP dependency',
      {
        web: {
          image: 'nginx:1.27',
          ports: ['80:80'],
          volumes: ['./dist:/usr/share/nginx/html:ro'],
          depends_on: ['api'],
        },
        api: { image: 'acme/api:1', expose: ['8000'] },
      },
      undefined,
      [['/', 'web']],
      [],
    ],
    [
      'a Caddy whose Caddyfile reverse_proxies to app is dropped; app gets /',
      {
        caddy: { image: 'caddy:2', ports: ['80:80', '443:443'] },
        app: { image: 'acme/app:1', expose: ['8080'] },
      },
      {
        caddy: [
          { file: 'Caddyfile', text: 'shop.test {\n  encode gzip\n  reverse_proxy app:8080\n}\n' },
        ],
      },
      [['/', 'app']],
      ['caddy'],
    ],
    [
      'an nginx conf that proxies only to a database: proxy dropped, no route to the database',
      { nginx: { image: 'nginx:1.27', ports: ['80:80'] }, db: postgres },
      nginxConf('location / { proxy_pass http://db:5432; }'),
      [],
      ['nginx'],
    ],
    [
      'haproxy in front of a database only: dropped, and the database gets no route',
      { lb: { image: 'haproxy:2.9', ports: ['5432:5432'], depends_on: ['db'] }, db: postgres },
      undefined,
      [],
      ['lb'],
    ],
    [
      'a database that publishes its port is never the app',
      { db: { ...postgres, ports: ['5432:5432'] } },
      undefined,
      [],
      [],
    ],
    [
      'redis with ports, beside an app',
      {
        cache: { image: 'redis:7', ports: ['6379:6379'] },
        app: { image: 'acme/app:1', ports: ['3000:3000'] },
      },
      undefined,
      [['/', 'app']],
      [],
    ],
    [
      'mysql, mariadb, mongo, rabbitmq, memcached, elasticsearch publishing ports: no route',
      {
        mysql: { image: 'mysql:8', ports: ['3306:3306'] },
        maria: { image: 'mariadb:11', ports: ['3307:3306'] },
        mongo: { image: 'mongo:7', ports: ['27017:27017'] },
        mq: { image: 'rabbitmq:3-management', ports: ['15672:15672', '5672:5672'] },
        memcached: { image: 'memcached:1.6', ports: ['11211:11211'] },
        search: {
          image: 'docker.elastic.co/elasticsearch/elasticsearch:8.13.0',
          ports: ['9200:9200'],
        },
      },
      undefined,
      [],
      [],
    ],
    [
      'an unknown image on a well-known database port',
      { store: { image: 'acme/store:1', ports: ['5432:5432'] } },
      undefined,
      [],
      [],
    ],
  ])('%s', (_, services, configs, routes, proxies) => {
    const result = run(services, configs);
    expect(result.problems).toEqual([]);
    expect(result.routes.map((r) => [r.path, r.service])).toEqual(routes);
    expect(droppedServices(result)).toEqual(proxies);
    for (const [name, svc] of Object.entries(carried(result))) {
      if (!routes.some(([, s]) => s === name)) expect(svc.route).toBeUndefined();
    }
    if (routes.length === 0) expect(result.noRoute).toBeDefined();
  });

  it('says why no service got a route when the only published port is a database', () => {
    const result = run({ db: { ...postgres, ports: ['5432:5432'] } });
    expect(result.routes).toEqual([]);
    expect(result.noRoute).toBe(
      'no service speaks HTTP to the public: db publishes 5432, but postgres:16 is a database, cache or broker (postgres), not a web server; a public route would expose it to the internet',
    );
  });

  it('names the refused route when a proxy config sends / to a database', () => {
    const result = run(
      { nginx: { image: 'nginx:1.27', ports: ['80:80'] }, db: postgres },
      nginxConf('location / { proxy_pass http://db:5432; }'),
    );
    expect(result.notes).toContain(
      'db: no public route /: postgres:16 is a database, cache or broker (postgres), not a web server; a public route would expose it to the internet',
    );
  });

  it('says why an nginx was kept or dropped', () => {
    const kept = run({
      web: { image: 'nginx:1.27', ports: ['8080:80'], depends_on: ['db'] },
      db: postgres,
    });
    expect(kept.notes).toContainEqual(
      expect.stringMatching(
        /^web: looks like a reverse proxy, but it depends only on db, which does not speak HTTP/,
      ),
    );
    const dropped = run(
      { nginx: { image: 'nginx:1.27' }, app: { image: 'acme/app:1' } },
      nginxConf('location / { proxy_pass http://app:3000; }'),
    );
    expect(dropped.dropped[0]?.reason).toContain('its nginx.conf passes requests to app');
  });
});

describe('findProxies and upstreamHosts', () => {
  it.each([
    ['location / { proxy_pass http://app:3000; }', ['app']],
    ['upstream be { server api:8000; } location /api/ { proxy_pass http://be; }', ['api']],
    ['shop.test {\n  reverse_proxy /api/* api:8000\n  reverse_proxy web:3000\n}', ['api', 'web']],
    ['shop.test {\n  reverse_proxy {\n    to http://app:8080\n  }\n}', ['app']],
    ['shop.test {\n  root * /srv\n  file_server\n}', []],
  ])('upstreamHosts(%j)', (text, hosts) => {
    expect(upstreamHosts(text)).toEqual(hosts);
  });

  it('always drops traefik and certificate helpers, and reaches services by container_name', () => {
    const decision = findProxies(
      ['traefik', 'certbot', 'nginx', 'api'],
      {
        traefik: { image: 'traefik:v3' },
        certbot: { image: 'certbot/certbot' },
        nginx: { image: 'nginx:1' },
        api: { image: 'acme/api:1', container_name: 'shop-api' },
      },
      { nginx: [{ file: 'default.conf', text: 'location / { proxy_pass http://shop-api:80; }' }] },
    );
    expect([...decision.proxies.keys()]).toEqual(['traefik', 'certbot', 'nginx']);
    expect(decision.upstreams.get('nginx')).toEqual(['api']);
  });
});

describe('notHttp', () => {
  it.each([
    ['postgres:16', 5432, true],
    ['bitnami/postgresql:16', 5432, true],
    ['mcr.microsoft.com/mssql/server:2022-latest', 1433, true],
    ['acme/store:1', 3306, true],
    ['acme/app:1', 3000, false],
    ['example/redis/uploader:1', undefined, false],
    ['nginx:1.27', 80, false],
  ])('%s on %s', (image, port, refused) => {
    expect(notHttp(image, port) !== undefined).toBe(refused);
  });
});

describe('literal secrets in environment', () => {
  const secret = 'S3cr3t-literal-value';
  it.each<[string, Services, Record<string, Record<string, string>>, Record<string, string[]>]>([
    [
      'a token under a secret name',
      { app: { image: 'acme/app:1', environment: { API_TOKEN: secret, MODE: 'live' } } },
      { app: { MODE: 'live' } },
      { app: ['API_TOKEN'] },
    ],
    [
      'MYSQL_ROOT_PASSWORD and friends; yes/no flags and *_FILE paths stay',
      {
        db: {
          image: 'mysql:8',
          environment: [
            `MYSQL_ROOT_PASSWORD=${secret}`,
            'MYSQL_ALLOW_EMPTY_PASSWORD=no',
            'MYSQL_PASSWORD_FILE=/run/secrets/mysql',
            'MYSQL_DATABASE=shop',
          ],
        },
      },
      {
        db: {
          MYSQL_ALLOW_EMPTY_PASSWORD: 'no',
          MYSQL_PASSWORD_FILE: '/run/secrets/mysql',
          MYSQL_DATABASE: 'shop',
        },
      },
      { db: ['MYSQL_ROOT_PASSWORD'] },
    ],
    [
      "a password inside a URL shares the database's secret when the values are equal",
      {
        app: {
          image: 'acme/app:1',
          environment: { DATABASE_URL: `postgres://shop:${secret}@db/app` },
        },
        db: { image: 'postgres:16', environment: { POSTGRES_PASSWORD: secret } },
      },
      {
        app: { DATABASE_URL: 'postgres://shop:{{secret.POSTGRES_PASSWORD}}@{{service.db}}/app' },
        db: {},
      },
      { app: ['POSTGRES_PASSWORD'], db: ['POSTGRES_PASSWORD'] },
    ],
    [
      'a password inside a URL with no equal secret, and an empty redis user',
      {
        app: {
          image: 'acme/app:1',
          environment: {
            DATABASE_URL: `postgres://user:${secret}@db/app`,
            REDIS_URL: `redis://:${secret}x@cache:6379/0`,
            HOME_PAGE: 'https://example.com:8443/a@b',
          },
        },
        db: { image: 'postgres:16' },
        cache: { image: 'redis:7' },
      },
      {
        app: {
          DATABASE_URL: 'postgres://user:{{secret.DATABASE_URL_PASSWORD}}@{{service.db}}/app',
          REDIS_URL: 'redis://:{{secret.REDIS_URL_PASSWORD}}@{{service.cache}}/0',
          HOME_PAGE: 'https://example.com:8443/a@b',
        },
      },
      { app: ['DATABASE_URL_PASSWORD', 'REDIS_URL_PASSWORD'] },
    ],
    [
      'two services with the same secret name and different values get two names',
      {
        db: { image: 'postgres:16', environment: { POSTGRES_PASSWORD: secret } },
        db2: { image: 'postgres:16', environment: { POSTGRES_PASSWORD: `${secret}2` } },
      },
      { db: {}, db2: { POSTGRES_PASSWORD: '{{secret.DB2_POSTGRES_PASSWORD}}' } },
      { db: ['POSTGRES_PASSWORD'], db2: ['DB2_POSTGRES_PASSWORD'] },
    ],
    [
      'a literal that collides with an interpolated secret of the same name',
      {
        app: { image: 'acme/app:1', environment: { DB_PASSWORD: '{{secret.DB_PASSWORD}}' } },
        legacy: { image: 'acme/legacy:1', environment: { DB_PASSWORD: secret } },
      },
      { legacy: { DB_PASSWORD: '{{secret.LEGACY_DB_PASSWORD}}' } },
      { app: ['DB_PASSWORD'], legacy: ['LEGACY_DB_PASSWORD'] },
    ],
  ])('%s', (_, services, env, secrets) => {
    const result = importCompose(
      {
        compose: { services },
        secretRefs: [{ service: 'app', key: 'DB_PASSWORD', variable: 'DB_PASSWORD', why: 'unset' }],
      },
      options,
    );
    for (const [name, wanted] of Object.entries(env)) {
      expect(carried(result)[name]?.env ?? {}).toEqual(wanted);
    }
    for (const [name, wanted] of Object.entries(secrets)) {
      expect(carried(result)[name]?.secrets).toEqual(wanted);
    }
    // The literal is nowhere: not in prenv.yml's document, not in the report.
    expect(JSON.stringify(result)).not.toContain(secret);
    expect(result.secrets.every((s) => !s.reason.includes(secret))).toBe(true);
  });

  it('reports a dropped proxy with its environment names, mounts and keys, never a value', () => {
    const result = run(
      {
        nginx: {
          image: 'nginx:1.27',
          ports: ['80:80'],
          restart: 'always',
          environment: { API_TOKEN: secret, NGINX_HOST: 'shop.test' },
          volumes: ['./nginx.conf:/etc/nginx/nginx.conf:ro', 'certs:/etc/letsencrypt'],
        },
        app: { image: 'acme/app:1' },
      },
      nginxConf('location / { proxy_pass http://app:3000; }'),
    );
    expect(result.dropped).toEqual([
      {
        path: 'services.nginx',
        reason:
          'reverse proxy and certificates are replaced by Caddy routes and on-demand TLS (its nginx.conf passes requests to app); not carried with it: ports; restart; environment API_TOKEN, NGINX_HOST; volumes ./nginx.conf at /etc/nginx/nginx.conf, certs at /etc/letsencrypt',
      },
    ]);
    expect(JSON.stringify(result)).not.toContain(secret);
  });

  it.each([
    ['API_TOKEN', 'abc', true],
    ['API_TOKEN', undefined, true],
    ['MYSQL_ALLOW_EMPTY_PASSWORD', 'yes', false],
    ['POSTGRES_PASSWORD_FILE', '/run/secrets/pg', false],
    ['POSTGRES_PASSWORD_FILE', 'inline', true],
    ['DATABASE_URL', 'postgres://u:p@db/x', true],
    ['REDIS_URL', 'redis://:p@cache', true],
    ['HOME', 'https://example.com:8443/a@b', false],
    ['MODE', 'live', false],
  ])('isSecretVariable(%j, %j) = %j', (name, value, expected) => {
    expect(isSecretVariable(name, value)).toBe(expected);
  });
});
