import { describe, expect, it } from 'vitest';
import { nginxRoutes } from '../../generators/compose/nginx-upstreams.js';
import {
  chooseApp,
  routesFromProxy,
  traefikLabels,
} from '../../generators/compose/compose-routes.js';

describe('nginx upstreams', () => {
  it('reads locations, upstream blocks, WebSocket upgrades and the body limit', () => {
    const routes = nginxRoutes(`
      upstream backend { server api:8000; }
      http {
        client_max_body_size 2g;  # uploads
        location /api/ { proxy_pass http://backend; }
        location = /ws { proxy_pass http://api:8000; proxy_set_header Upgrade $http_upgrade; }
        location ~ \\.php$ { proxy_pass http://php:9000; }
        location /static/ { root /srv; }
        location /v1/ { proxy_pass http://api:8000/; }
      }`);
    expect(routes.maxBodyBytes).toBe(2 * 1024 ** 3);
    expect(routes.locations).toEqual([
      { path: '/api', host: 'api', port: 8000, websocket: false, rewritesPath: false },
      { path: '/ws', host: 'api', port: 8000, websocket: true, rewritesPath: false },
      { path: '/v1', host: 'api', port: 8000, websocket: false, rewritesPath: true },
    ]);
    expect(routes.skipped).toEqual(['location ~ \\.php$']);
    expect(routes.files).toEqual([{ path: '/static/', from: 'root /srv' }]);
    const notes: string[] = [];
    routesFromProxy('nginx', 'nginx.conf', routes, new Map([['api', 'api']]), notes);
    expect(notes).toContainEqual(
      expect.stringContaining("serves /static/ from files in the proxy's container (root /srv)"),
    );
  });
});

describe('which service is the app', () => {
  const svc = (service: string, image: string, publicPorts: number[], port = publicPorts[0]) => ({
    service,
    image,
    port,
    publicPorts,
  });

  it.each([
    [
      [svc('localstack', 'localstack/localstack:3', [4566]), svc('web', 'acme/web:1', [3000])],
      'web',
    ],
    [[svc('pgadmin', 'dpage/pgadmin4:8', [80]), svc('app', 'acme/app:1', [8080])], 'app'],
    [[svc('db', 'postgres:16', [5432]), svc('api', 'acme/api:1', [8000])], 'api'],
    [[svc('docs', 'acme/docs:1', [4000]), svc('frontend', 'acme/fe:1', [3000])], 'frontend'],
    [[svc('mail', 'axllent/mailpit:1', [8025])], undefined],
  ])('chooses among %j', (candidates, expected) => {
    expect(chooseApp(candidates, undefined)?.service).toBe(expected);
  });

  it.each([
    [
      [svc('git', 'gitea/gitea:1', [3000, 22])],
      'the only service that publishes a web port (3000)',
    ],
    [
      [svc('kong', 'kong:2.8', [8000, 8443]), svc('logs', 'acme/logs:1', [4000])],
      'it publishes 8000, the most likely web port among kong, logs',
    ],
  ])('says which port made the choice among %j', (candidates, why) => {
    expect(chooseApp(candidates, undefined)?.why).toBe(why);
  });

  // Files written for a reverse proxy on the host bind everything to loopback.
  const local = (service: string, image: string, port: number) => ({
    ...svc(service, image, [], port),
    loopbackPorts: [port],
  });
  it.each([
    [[local('db', 'postgres:16', 5432), local('app', 'acme/analytics:2', 8000)], 'app'],
    [
      [local('events', 'acme/events:1', 8123), local('streaming', 'acme/stream:4', 4000)],
      'streaming',
    ],
    [[local('db', 'postgres:16', 5432), local('cache', 'redis:7', 6379)], undefined],
    [[local('admin', 'dpage/pgadmin4:8', 80)], undefined],
    [[local('web', 'acme/web:1', 3000), svc('api', 'acme/api:1', [8000])], 'api'],
  ])('falls back to a loopback web port among %j', (candidates, expected) => {
    expect(chooseApp(candidates, undefined)?.service).toBe(expected);
  });

  it('chooses among the proxy upstreams when there is a proxy', () => {
    const chosen = chooseApp(
      [svc('api', 'acme/api:1', [], 8000), svc('ui', 'acme/ui:1', [], 3000)],
      ['api', 'ui'],
    );
    expect(chosen?.service).toBe('ui');
  });
});

describe('Traefik labels', () => {
  it.each([
    [
      [
        'traefik.http.routers.api.rule=Host(`x.com`) && PathPrefix(`/api/`)',
        'traefik.http.services.api.loadbalancer.server.port=8000',
      ],
      { paths: ['/api'], port: 8000 },
    ],
    [{ 'traefik.http.routers.web.rule': 'Host(`x.com`)' }, { paths: ['/'] }],
    [['traefik.enable=true'], undefined],
    [undefined, undefined],
  ])('traefikLabels(%j)', (labels, expected) => {
    expect(traefikLabels(labels)).toEqual(expected);
  });
});
