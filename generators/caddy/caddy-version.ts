/**
 * prenv renders Caddy JSON that Caddy 2.6 accepts (Debian bookworm's Caddy, the tests' Caddy) and
 * adds what a newer Caddy has when it knows that Caddy's version. Caddy refuses unknown JSON
 * fields, so a field a version lacks must not be sent to it. Pure.
 */
export type CaddyJson = Record<string, unknown>;

export interface CaddyFeatures {
  /**
   * `reverse_proxy.stream_close_delay` (Caddy 2.7.0): upgraded streams (WebSockets) survive a
   * config reload for this long instead of being closed at once. Every route change of any env
   * reloads Caddy's config, so without it each one drops every WebSocket of every env.
   */
  streamCloseDelay: boolean;
  /**
   * `tls.automation.on_demand.permission` (Caddy 2.8.0, module `http`), which replaces the
   * deprecated `on_demand.ask` (caddyserver/caddy#6055).
   */
  permissionModule: boolean;
}

/** How long an upgraded stream outlives a config reload: 5 minutes, in nanoseconds. */
export const STREAM_CLOSE_DELAY_NS = 5 * 60 * 1e9;

/** `2.10.2`, `v2.7.6`, `2.8.0-beta.1` → [2, 10, 2]; null for anything else. */
export function parseCaddyVersion(version: string): [number, number, number] | null {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

/** What a Caddy of `version` accepts; an unknown version gets Caddy 2.6's features (none). */
export function caddyFeatures(version: string | undefined): CaddyFeatures {
  const v = version === undefined ? null : parseCaddyVersion(version);
  const atLeast = (major: number, minor: number) =>
    v !== null && (v[0] > major || (v[0] === major && v[1] >= minor));
  return { streamCloseDelay: atLeast(2, 7), permissionModule: atLeast(2, 8) };
}

function mapJson(value: unknown, visit: (obj: CaddyJson) => CaddyJson): unknown {
  if (Array.isArray(value)) return value.map((v) => mapJson(v, visit));
  if (value === null || typeof value !== 'object') return value;
  const mapped = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapJson(v, visit)]));
  return visit(mapped);
}

/**
 * The same route or config for a Caddy of `version`: every `reverse_proxy` handler gets
 * `stream_close_delay` (unless it sets one), and an `on_demand.ask` URL becomes the `http`
 * permission module, where that Caddy has them. The input is not changed.
 */
export function forCaddyVersion<T>(json: T, version: string | undefined): T {
  const features = caddyFeatures(version);
  if (!features.streamCloseDelay && !features.permissionModule) return json;
  return mapJson(json, (obj) => {
    if (
      features.streamCloseDelay &&
      obj.handler === 'reverse_proxy' &&
      obj.stream_close_delay === undefined
    )
      return { ...obj, stream_close_delay: STREAM_CLOSE_DELAY_NS };
    const onDemand = obj.on_demand;
    if (
      features.permissionModule &&
      onDemand !== null &&
      typeof onDemand === 'object' &&
      !Array.isArray(onDemand) &&
      typeof (onDemand as CaddyJson).ask === 'string'
    ) {
      const { ask, ...rest } = onDemand as CaddyJson;
      return { ...obj, on_demand: { ...rest, permission: { module: 'http', endpoint: ask } } };
    }
    return obj;
  }) as T;
}
