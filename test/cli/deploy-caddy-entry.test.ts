import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../bot/config/load.js';
import type { CaddyAdminClient } from '../../bot/adapters/caddy/admin-client.js';
import { loadEnvRoute } from '../../bot/runtime/caddy-entry.js';
import { repoRoot } from '../support/tools.js';

const file = path.join(repoRoot, 'examples/aipacto/prenv.yml');
const config = loadConfigOrThrow(readFileSync(file, 'utf8'), file);
const ROUTE = { '@id': 'prenv-production', match: [{ host: ['aipacto.com'] }] };

/** A Caddy admin API that records what is loaded or added (real Caddy cannot bind :443 here). */
function recordingCaddy(current: unknown) {
  const loaded: unknown[] = [];
  const added: string[] = [];
  const caddy = {
    getConfig: async () => current,
    loadConfig: async (c: unknown) => void loaded.push(c),
    addRoute: async (env: string) => {
      added.push(env);
      return 'added' as const;
    },
  } as unknown as CaddyAdminClient;
  return { caddy, loaded, added };
}

describe('loading an env route into Caddy', () => {
  it('adds the route when Caddy already runs the prenv server', async () => {
    const rec = recordingCaddy({ apps: { http: { servers: { prenv: { routes: [] } } } } });
    expect(await loadEnvRoute(rec.caddy, config, 'production', ROUTE)).toBe('added');
    expect(rec).toMatchObject({ added: ['production'], loaded: [] });
  });

  it("merges prenv's base config into a fresh Caddy, keeping its admin endpoint and servers", async () => {
    const current = {
      admin: { listen: '127.0.0.1:2999' },
      apps: { http: { servers: { other: { listen: [':8080'] } } } },
    };
    const rec = recordingCaddy(current);
    expect(await loadEnvRoute(rec.caddy, config, 'production', ROUTE)).toBe('loaded');
    expect(rec.loaded).toEqual([
      {
        admin: { listen: '127.0.0.1:2999' },
        apps: {
          tls: {
            automation: {
              policies: [{ on_demand: true }],
              on_demand: { ask: 'http://127.0.0.1:8080/tls/ask' },
            },
          },
          http: {
            servers: {
              other: { listen: [':8080'] },
              prenv: {
                listen: [':443'],
                routes: [ROUTE, { handle: [{ handler: 'static_response', status_code: 404 }] }],
              },
            },
          },
        },
      },
    ]);
  });
});
