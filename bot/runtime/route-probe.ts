import type { Config } from '../config/config.js';
import { envHost, type EnvContext } from '../../generators/env-context.js';
import {
  PROBE_BY_DNS,
  probeAccepts,
  probeTargets,
  type ProbeTarget,
} from '../../generators/caddy/probe-targets.js';
import {
  requestThroughEntry,
  type EntryAnswer,
  type EntryRequest,
} from '../adapters/caddy/probe.js';
import type { ProbeVerdict } from './waits.js';

/** The last check of a deploy: requests the env's route and says whether it answers as it must. */
export type RouteProbe = (ctx: EnvContext) => Promise<ProbeVerdict>;

export interface RouteProbeOptions {
  config: Config;
  /**
   * `PRENV_CADDY_HTTP`: Caddy's HTTPS listener, a plain-HTTP one without automatic HTTPS, or
   * `dns` for the environment's own `https://<host>` (through the load balancer).
   */
  entry: string;
  ca?: string;
  timeoutMs?: number;
  /**
   * Headers a request for the env needs to pass its preview protection (the bypass token);
   * none for an env without it.
   */
  headersFor?: (ctx: EnvContext) => Record<string, string>;
  /** Sends one request; requestThroughEntry unless a test passes another. */
  request?: (req: EntryRequest) => Promise<EntryAnswer>;
}

/**
 * A redirect to `https://<host>…` from a plain-HTTP listener is Caddy's automatic HTTPS (it sends
 * every host it has a certificate policy for there): it says nothing about the route.
 */
function isHttpsRedirect(entry: string, host: string, answer: EntryAnswer): boolean {
  if (new URL(entry).protocol !== 'http:' || answer.status < 300 || answer.status >= 400)
    return false;
  const location = answer.location ?? '';
  return (
    URL.canParse(location) &&
    new URL(location).protocol === 'https:' &&
    new URL(location).hostname === host
  );
}

function judge(
  entry: string,
  host: string,
  target: ProbeTarget,
  answer: EntryAnswer,
): ProbeVerdict {
  const scheme = new URL(entry).protocol === 'https:' ? 'https' : 'http';
  const what = `GET ${scheme}://${host}${target.path} (${target.service}) through ${entry}`;
  if (answer.status === 0)
    return { ok: false, text: `${what}: no answer (${answer.error ?? 'connection closed'})` };
  if (isHttpsRedirect(entry, host, answer))
    return {
      ok: false,
      text:
        `${what} answered ${answer.status}, Caddy's redirect to HTTPS, which proves nothing ` +
        `about the route: set PRENV_CADDY_HTTP to Caddy's HTTPS listener (https://<entry>:443) ` +
        'or to a listener without automatic HTTPS',
    };
  if (probeAccepts(target, answer.status))
    return { ok: true, text: `${what} answered ${answer.status}` };
  const wanted =
    target.expect === 'health'
      ? 'its health path must answer 2xx'
      : 'expected an answer of the service (not 404, not 5xx)';
  return { ok: false, text: `${what} answered ${answer.status}; ${wanted}` };
}

/**
 * Builds the probe of the deploy pipelines: every target of probeTargets() is requested through
 * Caddy at `entry` with the env's host (Host header, and SNI over HTTPS); the verdict is the first
 * failing target's, or ok with every answer. An env with nothing routed is ok at once.
 */
export function routeProbe(options: RouteProbeOptions): RouteProbe {
  const send = options.request ?? requestThroughEntry;
  return async (ctx) => {
    const host = envHost(options.config, ctx);
    const entry = entryFor(options.entry, host);
    const texts: string[] = [];
    const headers = options.headersFor?.(ctx) ?? {};
    for (const target of probeTargets(options.config, ctx)) {
      const answer = await send({
        entry,
        host,
        path: target.path,
        ...(Object.keys(headers).length > 0 ? { headers } : {}),
        ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
        ...(options.ca ? { ca: options.ca } : {}),
      });
      const verdict = judge(entry, host, target, answer);
      if (!verdict.ok) return verdict;
      texts.push(verdict.text);
    }
    return { ok: true, text: texts.join('; ') || `${host}: nothing routed` };
  };
}

/** The entry to request `host` through: `dns` is where a browser goes, the host's own address. */
export function entryFor(entry: string, host: string): string {
  return entry === PROBE_BY_DNS ? `https://${host}` : entry;
}
