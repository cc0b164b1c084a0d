import { KV_FOLDER } from '../../config/names.js';
import { redactUserinfo } from './env-text.js';

/**
 * `consul://host:port/prefix` (`consul+https://` for TLS) → the Consul HTTP API and the KV
 * folder; an error for any other `scheme://` (a URL is never a file name) or a malformed one
 * (no host, a query, a fragment, credentials, a `.`/`..` segment); null for a file path. The
 * token comes from PRENV_CONSUL_TOKEN; credentials in the URL are refused and never echoed.
 */
export function parseConsulStateUrl(
  text: string | undefined,
): { url: string; prefix: string } | { error: string } | null {
  if (!text || !/^(consul(\+https?)?:|[a-z][a-z0-9+.-]*:\/\/)/i.test(text)) return null;
  const example = 'consul://127.0.0.1:8500/prenv/aipacto/state';
  const parsed = URL.canParse(text) ? new URL(text) : null;
  // The path as written: WHATWG URL parsing would already have resolved `a/../b` to `b`.
  const rawPath = text.replace(/^[^:]+:\/\/[^/?#]*/, '').replace(/[?#].*$/s, '');
  let prefix = '';
  try {
    prefix = decodeURIComponent(rawPath.replace(/^\/+|\/+$/g, ''));
  } catch {
    prefix = '';
  }
  if (
    !parsed ||
    !/^consul(\+https?)?:$/i.test(parsed.protocol) ||
    !parsed.host ||
    parsed.search ||
    parsed.hash ||
    parsed.username ||
    parsed.password ||
    !KV_FOLDER.test(prefix)
  ) {
    const shown = parsed && (parsed.username || parsed.password) ? redactUserinfo(text) : text;
    return {
      error: `PRENV_STATE must be a file or consul://host:port/kv-folder such as ${example}, got ${JSON.stringify(shown)}`,
    };
  }
  const scheme = parsed.protocol.toLowerCase() === 'consul+https:' ? 'https' : 'http';
  return { url: `${scheme}://${parsed.host}`, prefix };
}
