import type { Config } from '../../bot/config/config.js';
import type { Renderer } from '../templates.js';
import type { EnvRoutes, PreviewAuth, ProxyRoute } from './routes.js';

/** What `caddy/Caddyfile.hbs` reads. */
export interface CaddyfileView {
  onDemandAsk: string | null;
  siteAddress: string;
  tlsOnDemand: boolean;
  tlsInternal: boolean;
  routes: (ProxyRoute & { resolver: string })[];
  notFoundFallback: boolean;
  auth: (PreviewAuth & { resolver: string; fromBot: PreviewAuth['strip'] }) | null;
}

export function caddyfileView(config: Config, env: EnvRoutes): CaddyfileView {
  const mode = config.tls.mode;
  return {
    onDemandAsk: mode === 'on_demand' ? config.tls.ask : null,
    siteAddress: mode === 'off' || mode === 'load_balancer' ? `http://${env.host}` : env.host,
    tlsOnDemand: mode === 'on_demand',
    tlsInternal: mode === 'internal',
    routes: env.routes.map((r) => ({ ...r, resolver: env.resolver })),
    notFoundFallback: env.notFoundFallback,
    auth: env.auth
      ? { ...env.auth, resolver: env.resolver, fromBot: fromBot(env.auth.strip) }
      : null,
  };
}

/** The placeholders of the bot's answer headers, written as they are (they hold braces). */
function fromBot(strip: PreviewAuth['strip']): PreviewAuth['strip'] {
  const of = (header: string) => `{http.reverse_proxy.header.${header}}`;
  return {
    dropQuery: of(strip.dropQuery),
    query: of(strip.query),
    dropAuthorization: of(strip.dropAuthorization),
  };
}

export function renderCaddyfile(config: Config, env: EnvRoutes, renderer: Renderer): string {
  return renderer.caddyfile(caddyfileView(config, env));
}
