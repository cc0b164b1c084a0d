/**
 * Compose `ports` and `expose` entries (compose-spec/05-services.md, "ports": short syntax
 * `[HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]`, IPv6 host IPs in brackets, ranges;
 * long syntax `target`, `published`, `host_ip`, `protocol`).
 */
export interface PortSpec {
  /** Container port (the first of a range). */
  target: number;
  /** Host port or range as written; undefined when Compose picks one. */
  published?: string;
  hostIp?: string;
  protocol: string;
  /** False for `expose` entries: reachable from other services only. */
  publishes: boolean;
}

export function parsePort(entry: unknown): PortSpec | undefined {
  if (typeof entry === 'number') return { target: entry, protocol: 'tcp', publishes: true };
  if (entry && typeof entry === 'object') {
    const p = entry as Record<string, unknown>;
    const target = firstPort(String(p.target ?? ''));
    if (target === undefined) return undefined;
    return {
      target,
      ...(p.published !== undefined && p.published !== null && p.published !== ''
        ? { published: String(p.published) }
        : {}),
      ...(typeof p.host_ip === 'string' && p.host_ip !== '' ? { hostIp: p.host_ip } : {}),
      protocol: typeof p.protocol === 'string' ? p.protocol.toLowerCase() : 'tcp',
      publishes: true,
    };
  }
  if (typeof entry !== 'string') return undefined;
  const [body = '', protocol = 'tcp'] = entry.split('/');
  let rest = body;
  let hostIp: string | undefined;
  const v6 = /^\[([^\]]*)\]:(.*)$/.exec(rest);
  if (v6) {
    hostIp = v6[1];
    rest = v6[2] ?? '';
  }
  const parts = rest.split(':');
  if (!v6 && parts.length === 3) hostIp = parts.shift();
  const target = firstPort(parts.pop() ?? '');
  if (target === undefined) return undefined;
  const published = parts.pop();
  return {
    target,
    ...(published ? { published } : {}),
    ...(hostIp ? { hostIp } : {}),
    protocol: protocol.toLowerCase(),
    publishes: true,
  };
}

export function parseExpose(entry: unknown): PortSpec | undefined {
  const [body = '', protocol = 'tcp'] = String(entry).split('/');
  const target = firstPort(body);
  return target === undefined
    ? undefined
    : { target, protocol: protocol.toLowerCase(), publishes: false };
}

/** True when the host side is bound to a loopback address, so only the host itself reaches it. */
export function isLoopback(spec: PortSpec): boolean {
  const ip = spec.hostIp;
  return ip !== undefined && (/^127\./.test(ip) || ip === '::1' || ip === 'localhost');
}

/** Reachable from outside the host, over TCP: what could become an HTTP route. */
export function isPublicTcp(spec: PortSpec): boolean {
  return spec.publishes && spec.protocol === 'tcp' && !isLoopback(spec);
}

function firstPort(text: string): number | undefined {
  const port = Number(text.split('-')[0]);
  return Number.isInteger(port) && port > 0 && port < 65_536 ? port : undefined;
}
