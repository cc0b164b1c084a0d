/**
 * The placeholders prenv.yml values may use: `{{sha}}`, `{{env}}`, `{{host}}`,
 * `{{service.NAME}}` (host:port, resolved at run time through Consul), `{{service.NAME.host}}`
 * and `{{service.NAME.port}}` (the two halves, for apps configured with a host and a port),
 * `{{service.NAME.dns}}` (the Consul DNS name) and `{{secret.KEY}}` (a secret of the same
 * service, read at run time). Only `{{ word }}` forms are placeholders; any other `{{` is text.
 */

export type Segment =
  | { kind: 'text'; text: string }
  | { kind: 'sha' }
  | { kind: 'env' }
  | { kind: 'host' }
  | { kind: 'service'; name: string; part: ServicePart }
  | { kind: 'serviceDns'; name: string }
  | { kind: 'secret'; key: string };

/** Which part of a service's Consul address: `host:port`, or the host or the port alone. */
export type ServicePart = 'address' | 'host' | 'port';

export type PlaceholderKind = Exclude<Segment['kind'], 'text'>;

export type ParseOutcome = { ok: true; segments: Segment[] } | { ok: false; message: string };

const CANDIDATE = /\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}/g;

export const KNOWN_PLACEHOLDERS =
  '{{sha}}, {{env}}, {{host}}, {{service.NAME}}, {{service.NAME.host}}, {{service.NAME.port}}, {{service.NAME.dns}}, {{secret.KEY}}';

function placeholderOf(name: string): Exclude<Segment, { kind: 'text' }> | undefined {
  if (name === 'sha' || name === 'env' || name === 'host') return { kind: name };
  const service = /^service\.([a-z][a-z0-9-]*)(?:\.(dns|host|port))?$/.exec(name);
  if (service?.[1]) {
    if (service[2] === 'dns') return { kind: 'serviceDns', name: service[1] };
    const part = service[2] === 'host' || service[2] === 'port' ? service[2] : 'address';
    return { kind: 'service', name: service[1], part };
  }
  const secret = /^secret\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(name);
  if (secret?.[1]) return { kind: 'secret', key: secret[1] };
  return undefined;
}

/** Splits a value into text and placeholders; an unknown `{{ word }}` is an error. */
export function parsePlaceholders(value: string): ParseOutcome {
  const segments: Segment[] = [];
  let last = 0;
  for (const match of value.matchAll(CANDIDATE)) {
    const name = match[1] ?? '';
    const placeholder = placeholderOf(name);
    if (!placeholder) {
      return {
        ok: false,
        message: `unknown placeholder "${match[0]}" (known: ${KNOWN_PLACEHOLDERS})`,
      };
    }
    if (match.index > last) segments.push({ kind: 'text', text: value.slice(last, match.index) });
    segments.push(placeholder);
    last = match.index + match[0].length;
  }
  if (last < value.length) segments.push({ kind: 'text', text: value.slice(last) });
  return { ok: true, segments };
}
