import path from 'node:path';
import type { Config } from '../config/config.js';
import type { StateTarget } from '../adapters/store/open-store.js';
import type { RuntimeSettings } from './settings.js';

/**
 * Where the state lives: PRENV_STATE=consul://… wins, then `state: consul` in prenv.yml (the
 * Consul of PRENV_CONSUL_ADDR, under `state.prefix`, default `prenv/<project>/state`), else the
 * SQLite file PRENV_STATE (default .prenv/state.db).
 */
export function stateTarget(config: Config, settings: RuntimeSettings, cwd: string): StateTarget {
  const token = settings.consul.token ? { token: settings.consul.token } : {};
  if (settings.stateUrl) return { kind: 'consul', ...settings.stateUrl, ...token };
  if (config.state.store === 'consul')
    return {
      kind: 'consul',
      url: settings.consul.url,
      prefix: config.state.prefix ?? `prenv/${config.project}/state`,
      ...token,
    };
  return { kind: 'sqlite', file: path.resolve(cwd, settings.statePath) };
}
