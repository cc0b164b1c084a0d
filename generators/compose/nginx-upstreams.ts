/**
 * What an nginx config in front of the app tells prenv: which path goes to which Compose
 * service and port, which paths upgrade to WebSocket, and the request body limit. Only the
 * directives that map onto a prenv route are read (`location`, `proxy_pass`, `upstream`/
 * `server`, `proxy_set_header Upgrade`, `client_max_body_size`); nginx's full grammar is not
 * needed for that, and no maintained JavaScript nginx parser exists.
 */
export interface ProxyLocation {
  path: string;
  host: string;
  /** The upstream port; nginx's default (80, or 443 for https) when none is written. */
  port: number;
  websocket: boolean;
  /** True when `proxy_pass` carries a URI, so nginx rewrote the path prefix. */
  rewritesPath: boolean;
}

export interface NginxRoutes {
  locations: ProxyLocation[];
  /** `client_max_body_size` in bytes, when set. */
  maxBodyBytes?: number;
  /** Locations prenv cannot carry (regular expressions), as written. */
  skipped: string[];
  /** Locations nginx answers from files of its own container (`root`/`alias`), not an upstream. */
  files: { path: string; from: string }[];
}

export function nginxRoutes(text: string): NginxRoutes {
  const source = text.replace(/#[^\n]*/g, '');
  const upstreams = new Map<string, { host: string; port: number | undefined }>();
  for (const m of source.matchAll(/\bupstream\s+([\w.-]+)\s*\{([^}]*)\}/g)) {
    const server = /\bserver\s+([\w.-]+)(?::(\d+))?/.exec(m[2] ?? '');
    if (m[1] && server?.[1]) {
      upstreams.set(m[1], { host: server[1], port: server[2] ? Number(server[2]) : undefined });
    }
  }
  const out: NginxRoutes = { locations: [], skipped: [], files: [] };
  const body = /\bclient_max_body_size\s+(\d+)([kKmMgG]?)\s*;/.exec(source);
  if (body?.[1] && Number(body[1]) > 0) {
    const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(body[2] ?? '').toLowerCase()] ?? 1;
    out.maxBodyBytes = Number(body[1]) * unit;
  }
  for (const m of source.matchAll(/\blocation\s+(=\s*|\^~\s*|~\*?\s*)?(\S+)\s*\{([^{}]*)\}/g)) {
    const modifier = (m[1] ?? '').trim();
    const path = m[2] ?? '';
    const block = m[3] ?? '';
    const pass = /\bproxy_pass\s+(https?):\/\/([\w.-]+)(?::(\d+))?(\/[^\s;]*)?\s*;/.exec(block);
    if (!pass?.[2]) {
      const served = /\b(root|alias)\s+([^\s;]+)\s*;/.exec(block);
      if (served) out.files.push({ path, from: `${served[1]} ${served[2]}` });
      continue;
    }
    if (modifier.startsWith('~')) {
      out.skipped.push(`location ${modifier} ${path}`);
      continue;
    }
    const upstream = upstreams.get(pass[2]);
    const defaultPort = pass[1] === 'https' ? 443 : 80;
    out.locations.push({
      path: path.length > 1 ? path.replace(/\/+$/, '') : path,
      host: upstream?.host ?? pass[2],
      port: pass[3] ? Number(pass[3]) : upstream ? (upstream.port ?? defaultPort) : defaultPort,
      websocket: /proxy_set_header\s+Upgrade\b/i.test(block),
      rewritesPath: pass[4] !== undefined,
    });
  }
  return out;
}
