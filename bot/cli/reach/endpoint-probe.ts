import { readRuntimeSettings, type RuntimeSettings } from '../../wiring/settings.js';
import { envFor } from './staging-env.js';
import type { DoctorCheck } from '../doctor-report.js';
import type { ClusterEnvironment } from '../../core/model.js';
import { endpointVariable, TUNNEL_PORTS, type Endpoint } from './tunnel-plan.js';

/** How long doctor waits for one endpoint: an unreachable address costs seconds, once. */
export const PROBE_TIMEOUT_MS = 3_000;

const LABEL: Record<Endpoint, string> = {
  nomad: 'Nomad',
  consul: 'Consul',
  caddyAdmin: "Caddy's admin API",
};

/**
 * What each endpoint answers when it is up, read without an ACL policy: Nomad's and Consul's
 * `GET /v1/status/leader` (the leader's RPC address as a JSON string; "" without a leader), and
 * Caddy's `GET /config/` (its running config).
 */
const PATH: Record<Endpoint, string> = {
  nomad: '/v1/status/leader',
  consul: '/v1/status/leader',
  caddyAdmin: '/config/',
};

/** The settings a probe reads: where Nomad, Consul and Caddy's admin API are, and the tokens. */
export type ClusterAddresses = Pick<RuntimeSettings, 'nomad' | 'consul' | 'caddyAdminUrl'>;

interface Target {
  env: ClusterEnvironment;
  endpoint: Endpoint;
  url: string;
  token: string | undefined;
  /** The variable the URL came from, as messages name it. */
  variable: string;
}

/**
 * One check per environment and endpoint prenv drives (production and staging: Nomad, Consul,
 * Caddy's admin API), at the addresses the CLI would use (`PRENV_*`, `PRENV_STAGING_*` for
 * staging), one line each. A failure names the variable and the way in (`prenv tunnel <env>`).
 */
export async function probeEndpoints(
  env: Record<string, string | undefined>,
  fetchFn: typeof fetch,
  envs: ClusterEnvironment[] = ['production', 'staging'],
): Promise<DoctorCheck[]> {
  const targets: Target[] = [];
  const checks: DoctorCheck[] = [];
  for (const target of envs) {
    const result = readRuntimeSettings(envFor(env, target));
    if (!result.ok) {
      checks.push({
        name: `${target}/settings`,
        status: 'error',
        detail: result.errors.join('\n'),
      });
      continue;
    }
    targets.push(...clusterTargets(target, result.settings, env));
  }
  const same = sameClusterChecks(targets);
  const probed = await Promise.all(targets.map((t) => same.get(t) ?? probe(t, fetchFn)));
  checks.push(...probed);
  return checks;
}

/**
 * Whether `env`'s Nomad, Consul and Caddy admin API answer at `settings`' addresses: one
 * request each, in parallel, of at most PROBE_TIMEOUT_MS and never retried (what
 * `prenv deploy` checks before Terraform creates anything). `rawEnv` names the variables.
 */
export function probeCluster(
  env: ClusterEnvironment,
  settings: ClusterAddresses,
  rawEnv: Record<string, string | undefined>,
  fetchFn: typeof fetch,
): Promise<DoctorCheck[]> {
  return Promise.all(clusterTargets(env, settings, rawEnv).map((t) => probe(t, fetchFn)));
}

function clusterTargets(
  env: ClusterEnvironment,
  s: ClusterAddresses,
  rawEnv: Record<string, string | undefined>,
): Target[] {
  const at = (endpoint: Endpoint, url: string, token: string | undefined): Target => ({
    env,
    endpoint,
    url,
    token,
    variable: sourceOf(rawEnv, env, endpoint),
  });
  return [
    at('nomad', s.nomad.url, s.nomad.token),
    at('consul', s.consul.url, s.consul.token),
    at('caddyAdmin', s.caddyAdminUrl, undefined),
  ];
}

/**
 * The variable an endpoint's URL came from: staging's falls back to production's when its own
 * is unset (see `envFor`), and both to prenv's default; a message must name the one to change.
 */
function sourceOf(
  rawEnv: Record<string, string | undefined>,
  env: ClusterEnvironment,
  endpoint: Endpoint,
): string {
  const own = endpointVariable(env, endpoint);
  if (rawEnv[own]) return own;
  const production = endpointVariable('production', endpoint);
  const fallback = rawEnv[production] ? production : `${production}'s default`;
  return env === 'staging' ? `${fallback}, as ${own} is unset` : `${own} unset: its default`;
}

async function probe(t: Target, fetchFn: typeof fetch): Promise<DoctorCheck> {
  const name = checkName(t);
  const variable = t.variable;
  const base = t.url.replace(/\/+$/, '');
  const headers: Record<string, string> = {};
  if (t.token) headers[t.endpoint === 'nomad' ? 'X-Nomad-Token' : 'X-Consul-Token'] = t.token;
  let status: number;
  let text: string;
  try {
    const res = await fetchFn(`${base}${PATH[t.endpoint]}`, {
      headers,
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
    status = res.status;
    text = await res.text();
  } catch (err) {
    return {
      name,
      status: 'error',
      detail: `cannot reach ${LABEL[t.endpoint]} of ${t.env} at ${base} (${variable}): ${reason(err)}. ${wayIn(t)}`,
    };
  }
  if (t.endpoint === 'caddyAdmin') {
    if (status === 200) return { name, status: 'ok', detail: `${base} answers (${variable})` };
    const hostRefused = status === 403 && text.includes('host not allowed');
    return {
      name,
      status: 'error',
      detail: hostRefused
        ? `Caddy at ${base} (${variable}) refuses this address as Host: its admin origins must list ${new URL(base).host} (cloud-init lists the ports of \`prenv tunnel\`: ${TUNNEL_PORTS.production.caddyAdmin} for production, ${TUNNEL_PORTS.staging.caddyAdmin} for staging)`
        : `Caddy at ${base} (${variable}) answered ${status} to GET /config/: ${text.slice(0, 200)}`,
    };
  }
  if (status === 200) {
    const leader = safeJson(text);
    if (typeof leader === 'string' && leader !== '')
      return { name, status: 'ok', detail: `${base} answers, leader ${leader} (${variable})` };
    return {
      name,
      status: 'error',
      detail: `${LABEL[t.endpoint]} of ${t.env} at ${base} answers but has no leader: check that its servers run and have joined (${t.endpoint} members on a server)`,
    };
  }
  if (status === 403 || status === 401)
    return {
      name,
      status: 'error',
      detail: `${LABEL[t.endpoint]} of ${t.env} at ${base} refused the request (${status}): set ${endpointVariable(t.env, t.endpoint).replace(/ADDR$/, 'TOKEN')} to a token it accepts`,
    };
  return {
    name,
    status: 'error',
    detail: `${LABEL[t.endpoint]} of ${t.env} at ${base} (${variable}) answered ${status} to GET ${PATH[t.endpoint]}; is this ${LABEL[t.endpoint]}? ${wayIn(t)}`,
  };
}

const checkName = (t: Target) =>
  `${t.env}/${t.endpoint === 'caddyAdmin' ? 'caddy-admin' : t.endpoint}`;

/**
 * Production and staging are separate clusters: a staging endpoint at production's address is
 * a mistake, reported in place of its probe (whose "ok" would contradict it).
 */
function sameClusterChecks(targets: Target[]): Map<Target, DoctorCheck> {
  const checks = new Map<Target, DoctorCheck>();
  for (const endpoint of ['nomad', 'consul', 'caddyAdmin'] as const) {
    const production = targets.find((t) => t.env === 'production' && t.endpoint === endpoint);
    const staging = targets.find((t) => t.env === 'staging' && t.endpoint === endpoint);
    if (production && staging && production.url === staging.url)
      checks.set(staging, {
        name: checkName(staging),
        status: 'error',
        detail: `staging's ${LABEL[endpoint]} is the same address as production's (${production.url}, ${staging.variable}); staging is a cluster of its own: set ${endpointVariable('staging', endpoint)}=http://127.0.0.1:${TUNNEL_PORTS.staging[endpoint]} and run \`prenv tunnel staging\``,
      });
  }
  return checks;
}

function wayIn(t: Target): string {
  const local = `http://127.0.0.1:${TUNNEL_PORTS[t.env][t.endpoint]}`;
  const variable = endpointVariable(t.env, t.endpoint);
  const onNode =
    t.env === 'production' ? ' On a production node (the bot), it listens on loopback.' : '';
  return `From a workstation or a workflow runner: run \`prenv tunnel ${t.env} --ssh root@<server address>\` and set ${variable}=${local}.${onNode}`;
}

function reason(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === 'string') return cause.code;
  // fetch's own refusals ("bad port" for the ports browsers block) say why only in the cause.
  if (typeof cause?.message === 'string' && cause.message) return cause.message;
  if ((err as Error).name === 'TimeoutError')
    return `no answer within ${PROBE_TIMEOUT_MS / 1000} s`;
  return (err as Error).message;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
