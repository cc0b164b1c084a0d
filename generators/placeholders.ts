/**
 * The placeholders prenv.yml values may use: `{{sha}}`, `{{env}}`, `{{host}}`,
 * `{{service.NAME}}` (host:port, resolved at run time through Consul), `{{service.NAME.host}}`
 * and `{{service.NAME.port}}` (the two halves, for apps configured with a host and a port)
 * and `{{secret.KEY}}` (a secret of the same service, read at run time). Only `{{ word }}`
 * forms are placeholders; any other `{{` is text.
 *
 * `{{service.NAME.dns}}` (a Consul DNS name) is refused with the form to use instead: inside a
 * container, Consul's DNS on the host's loopback (127.0.0.1:8600) is not the resolver, and
 * `NAME.service.consul` carries no port (Nomad gives tasks a dynamic one).
 */

export type Segment =
  | { kind: 'text'; text: string }
  | { kind: 'sha' }
  | { kind: 'env' }
  | { kind: 'host' }
  | { kind: 'service'; name: string; part: ServicePart }
  | { kind: 'secret'; key: string };

/** Which part of a service's Consul address: `host:port`, or the host or the port alone. */
export type ServicePart = 'address' | 'host' | 'port';

export type PlaceholderKind = Exclude<Segment['kind'], 'text'>;

export type ParseOutcome = { ok: true; segments: Segment[] } | { ok: false; message: string };

const CANDIDATE = /\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}/g;

export const KNOWN_PLACEHOLDERS =
  '{{sha}}, {{env}}, {{host}}, {{service.NAME}}, {{service.NAME.host}}, {{service.NAME.port}}, {{secret.KEY}}';

function placeholderOf(name: string): Exclude<Segment, { kind: 'text' }> | undefined {
  if (name === 'sha' || name === 'env' || name === 'host') return { kind: name };
  const service = /^service\.([a-z][a-z0-9-]*)(?:\.(host|port))?$/.exec(name);
  if (service?.[1]) {
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
    const dns = /^service\.([a-z][a-z0-9-]*)\.dns$/.exec(name)?.[1];
    if (dns)
      return {
        ok: false,
        message:
          `"${match[0]}" is not supported: containers don't resolve *.service.consul (Consul's DNS ` +
          `listens on the host's loopback) and the name has no port. Use "{{service.${dns}}}" ` +
          `(host:port), or "{{service.${dns}.host}}" and "{{service.${dns}.port}}"`,
      };
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
