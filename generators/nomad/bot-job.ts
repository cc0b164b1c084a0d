/**
 * The Nomad job that runs the prenv bot itself (nomad/prenv-bot.nomad.hcl.hbs), and the Caddy
 * route of its webhook host. Pure: the caller says which image, host and volume.
 */
import type { Config } from '../../bot/config/config.js';
import { caddyRoute, type CaddyJson } from '../caddy/route-json.js';
import { PROBE_BY_DNS } from '../caddy/probe-targets.js';
import { rendererFor, type TemplateSources } from '../templates.js';
import { envLine } from './runtime-env.js';
import { aligned, type MetaEntry } from './views.js';

export interface BotJobOptions {
  /** The image built from prenv's Dockerfile, e.g. `ghcr.io/acme/prenv:0.1.0`. */
  image: string;
  /** The webhook host GitHub posts to (`https://<host>/webhooks/github`). */
  host: string;
  /** Nomad job name; its Variables live at `nomad/jobs/<name>`. Default `prenv-bot`. */
  name?: string;
  /** The client's host volume that keeps the state database (SQLite state). Default `prenv-state`. */
  stateVolume?: string;
  /** The port the bot listens on, on the host network. Default 8080. */
  port?: number;
}

/** Items of the Nomad Variable at `nomad/jobs/<job>` and the variables they become. */
export const BOT_VARIABLE_ITEMS = [
  { name: 'PRENV_WEBHOOK_SECRET', item: 'webhook_secret' },
  { name: 'PRENV_APP_ID', item: 'app_id' },
  { name: 'PRENV_PRIVATE_KEY', item: 'private_key' },
  { name: 'PRENV_INSTALLATION_ID', item: 'installation_id' },
  { name: 'PRENV_HCLOUD_TOKEN', item: 'hcloud_token' },
  { name: 'AWS_ACCESS_KEY_ID', item: 'aws_access_key_id' },
  { name: 'AWS_SECRET_ACCESS_KEY', item: 'aws_secret_access_key' },
  { name: 'PRENV_NOMAD_TOKEN', item: 'nomad_token' },
  { name: 'PRENV_CONSUL_TOKEN', item: 'consul_token' },
] as const;

/**
 * Items that are files rather than variables: prenv.yml and the Terraform backend settings.
 * What a PR's server needs from production the bot reads from production's Terraform outputs.
 */
export const BOT_FILE_ITEMS = ['prenv_yml', 'backend_hcl'] as const;

export const BOT_SERVICE_NAME = 'prenv-bot';

/**
 * The only paths of the bot that its public route passes on: GitHub's deliveries (the server's
 * WEBHOOK_PATH) and `/healthz` for uptime checks. `/metrics` and `/tls/ask` answer only on the
 * private network (Caddy asks `tls.ask` on the node itself); every other path is a 404 at Caddy.
 */
export const BOT_PUBLIC_PATHS = ['/webhooks/github', '/healthz'] as const;

/** The Consul service every entry node registers its Caddy admin API under (cloud-init). */
export const CADDY_ADMIN_SERVICE = 'caddy-admin';

/**
 * Where the bot's last check of a deploy reaches Caddy (PRENV_CADDY_HTTP, route-probe.ts).
 * Behind a TLS-terminating load balancer every Caddy serves plain HTTP and holds every route:
 * the node's own. When Caddy holds the certificates only the load balancer's target may be
 * asked for one (a handshake with another Caddy would make it request its own): `dns`, the
 * environment's public URL. With Caddy's internal CA no client trusts the certificate: none.
 */
export function probeEntry(mode: Config['tls']['mode']): string {
  if (mode === 'off' || mode === 'load_balancer') return 'http://127.0.0.1:80';
  return mode === 'internal' ? '' : PROBE_BY_DNS;
}

/** GitHub sends webhook payloads of at most 25 MB (docs.github.com, "Webhook events and payloads"). */
const WEBHOOK_MAX_BYTES = 25 * 1024 * 1024;

interface BotJobView {
  name: string;
  webhookHost: string;
  caddyService: string;
  /** Where the last check of a deploy reaches Caddy on the bot's node (route-probe.ts). */
  caddyEntry: string;
  meta: MetaEntry[];
  image: string;
  port: number;
  /** Allocations: 1 with SQLite, `state.replicas` (default 2) with a Consul state. */
  count: number;
  /** The state is in Consul KV (`state: consul`): no host volume, one allocation per node. */
  consulState: boolean;
  stateVolume: string;
  serviceName: string;
  variablesPath: string;
  /** consul-template lines of the env file, one per item, quoted as runtime-env.ts explains. */
  secretLines: string[];
  resources: { cpu: number; memory: number };
}

export function botJobName(options: BotJobOptions): string {
  return options.name ?? 'prenv-bot';
}

/**
 * The job file's text. Throws when an option is not usable as a Nomad name or port; values
 * reach the HCL only through the template's escaping helpers.
 */
export function renderBotJob(
  config: Config,
  options: BotJobOptions,
  templates: TemplateSources,
): string {
  const name = botJobName(options);
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(name))
    throw new Error(`the bot's job name must be lowercase letters, digits and "-", got "${name}"`);
  const port = options.port ?? 8080;
  if (!Number.isInteger(port) || port < 1 || port > 65_535)
    throw new Error(`the bot's port must be 1-65535, got ${port}`);
  const mode = config.tls.mode;
  const view: BotJobView = {
    name,
    webhookHost: options.host,
    caddyService: CADDY_ADMIN_SERVICE,
    caddyEntry: probeEntry(mode),
    meta: aligned([
      { name: 'prenv_project', value: config.project },
      { name: 'prenv_role', value: 'bot' },
      { name: 'prenv_webhook_host', value: options.host },
    ]),
    image: options.image,
    port,
    consulState: config.state.store === 'consul',
    count: config.state.store === 'consul' ? (config.state.replicas ?? 2) : 1,
    stateVolume: options.stateVolume ?? 'prenv-state',
    serviceName: BOT_SERVICE_NAME,
    variablesPath: `nomad/jobs/${name}`,
    secretLines: BOT_VARIABLE_ITEMS.map((v) => envLine(v.name, `.${v.item}`)),
    // Terraform runs in the same task (provider plugins included): 512 MiB leaves it room.
    resources: { cpu: 500, memory: 512 },
  };
  return rendererFor(templates).botJob(view);
}

/**
 * The Caddy route (`@id` `prenv-bot`) that sends the webhook host's public paths
 * (BOT_PUBLIC_PATHS) to the bot's Consul service, found by SRV like every environment's
 * services, and answers 404 for every other path; added with the same admin call.
 */
export function botRoute(config: Config, host: string): CaddyJson {
  return caddyRoute({
    env: 'bot',
    host,
    resolver: config.consul.dns,
    routes: [
      {
        service: BOT_SERVICE_NAME,
        matcher: BOT_SERVICE_NAME,
        path: BOT_PUBLIC_PATHS[0],
        matchPaths: [...BOT_PUBLIC_PATHS],
        upstream: `${BOT_SERVICE_NAME}.service.consul`,
        maxBody: { text: '25MiB', bytes: WEBHOOK_MAX_BYTES },
        timeout: null,
        websocket: false,
      },
    ],
    notFoundFallback: true,
  });
}
