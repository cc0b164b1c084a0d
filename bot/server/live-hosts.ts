import type { Config } from '../config/config.js';
import type { World } from '../core/model.js';

const SERVING = new Set(['deploying', 'live', 'redeploying']);

/**
 * Caddy's on-demand TLS asks before it gets a certificate: yes for production, staging and
 * PR environments that exist now, no for anything else (certificates are rate limited).
 */
export function allowCertificateFor(config: Config, world: () => Promise<World>) {
  const pattern = new RegExp(
    `^${config.previews.host.split('{{number}}').map(escapeRegExp).join('(\\d+)')}$`,
  );
  const fixed = new Set([config.environments.production.host, config.environments.staging.host]);
  return async (host: string): Promise<boolean> => {
    if (fixed.has(host)) return true;
    const match = pattern.exec(host);
    if (!match) return false;
    const env = (await world()).envs[Number(match[1])];
    return env !== undefined && SERVING.has(env.phase);
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
