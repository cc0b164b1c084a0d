import type { Config } from '../config/config.js';
import type { World } from '../core/model.js';
import { asciiLowerCase } from '../core/ascii-case.js';
import { parsePrNumber } from '../core/pr-number.js';

const SERVING = new Set(['deploying', 'live', 'redeploying']);

/**
 * A host name as Caddy may send it, compared in one spelling: ASCII letters lowercase (Unicode
 * letters are left as they are, so none can fold into an ASCII host), without one trailing dot
 * (the DNS root). Anything else (a port, a second dot, spaces) stays and will not match.
 */
export function canonicalHost(host: string): string {
  const lower = asciiLowerCase(host);
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/**
 * Caddy's on-demand TLS asks before it gets a certificate, and that answer is the only gate
 * before Let's Encrypt (50 certificates per registered domain per week): yes for the production
 * and staging hosts and `alsoAllowed` (the bot's own webhook host), and for the exact host of a PR environment that exists now (`pr-7…`, never
 * `pr-07…` or `pr-7.0…`: the number is read back and the host rebuilt from it); no for
 * anything else.
 */
export function allowCertificateFor(
  config: Config,
  world: () => Promise<World>,
  alsoAllowed: readonly string[] = [],
) {
  const previewOf = previewNumberOf(config);
  const fixed = new Set(
    [config.environments.production.host, config.environments.staging.host, ...alsoAllowed].map(
      canonicalHost,
    ),
  );
  return async (asked: string): Promise<boolean> => {
    const host = canonicalHost(asked);
    if (fixed.has(host)) return true;
    const pr = previewOf(asked);
    if (pr === null) return false;
    const env = (await world()).envs[pr];
    return env !== undefined && SERVING.has(env.phase);
  };
}

/**
 * The PR number whose preview host `asked` is (`previews.host` with the number filled in, in
 * `canonicalHost` spelling), or null: the number is read back and the host rebuilt from it, so
 * `pr-07…` or `pr-7.0…` are no preview's.
 */
export function previewNumberOf(config: Config): (asked: string) => number | null {
  const template = canonicalHost(config.previews.host);
  const pattern = new RegExp(
    `^${template.split('{{number}}').map(escapeRegExp).join('([0-9]+)')}$`,
  );
  const hostOf = (pr: number) => template.replaceAll('{{number}}', String(pr));
  return (asked) => {
    const host = canonicalHost(asked);
    const match = pattern.exec(host);
    if (!match) return null;
    const pr = parsePrNumber(match[1]);
    return pr !== null && hostOf(pr) === host ? pr : null;
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
