import { z } from 'zod';
import { parseNomadCron } from './cron.js';
import { DURATION_FORM, durationMs, parseDurationMs } from './duration.js';
import { sizeBytes } from './size.js';
import { HOSTNAME, IMAGE_REFERENCE, KV_FOLDER } from './names.js';

export { isHostname, isImageReference, KV_FOLDER } from './names.js';

const SIZE = /^(\d+)(B|KB|MB|GB|KiB|MiB|GiB)$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NAME = /^[a-z][a-z0-9-]{0,29}$/;
/** URL characters (RFC 3986) only: nothing Caddy would read as a quote, block or placeholder. */
const ASK_URL = /^https?:\/\/[A-Za-z0-9._~:/?#[\]@!$&'()*+,;=%-]+$/;

export const HETZNER_LOCATIONS = ['fsn1', 'nbg1', 'hel1', 'ash', 'hil', 'sin'] as const;

const name = z
  .string()
  .regex(
    NAME,
    'must be lowercase letters, digits and "-", starting with a letter, at most 30 characters',
  );
const hostname = z.string().regex(HOSTNAME, 'must be a lowercase DNS name such as example.com');
const duration = z.string().regex(DURATION_FORM, 'must be a duration such as 90s, 30m, 72h or 7d');
/**
 * A duration between `min` and `max` (themselves durations): 0s or 99999h is a form, not a
 * value any of these keys can use (a reconciler period must also fit Node's timers, < 24.8d).
 */
const durationIn = (min: string, max: string) =>
  duration.refine((d) => {
    const ms = parseDurationMs(d);
    if (ms === undefined) return true; // the form's own message says it
    return ms >= durationMs(min) && ms <= durationMs(max);
  }, `must be between ${min} and ${max}`);
/** Caddy's request_body max_size is an int64 of bytes; 0 would mean no limit at all. */
const size = z
  .string()
  .regex(SIZE, 'must be a size such as 512MB or 2GB')
  .refine((s) => {
    if (!SIZE.test(s)) return true; // the form's own message says it
    const bytes = sizeBytes(s);
    return bytes >= 1 && bytes <= 1024 ** 4;
  }, 'must be more than 0 and at most 1024GiB');
/**
 * A list that is a set (secret keys, dependencies, environments): a repeated entry is an error
 * at the repeat's own index, so the message names its path and line.
 */
const setOf = <T extends z.ZodType<string>>(item: T) =>
  z.array(item).superRefine((list, ctx) => {
    const first = new Map<string, number>();
    list.forEach((entry, index) => {
      const seen = first.get(entry);
      if (seen === undefined) first.set(entry, index);
      else
        ctx.addIssue({
          code: 'custom',
          path: [index],
          message: `repeats "${entry}" (already entry ${seen + 1} of this list); list it once`,
        });
    });
  });

const image = z
  .string()
  .refine(
    (v) => IMAGE_REFERENCE.test(v.replace(/\{\{[^{}]*\}\}/g, 'x')),
    'must be an image reference such as ghcr.io/acme/web:{{sha}} or postgres:16 (no spaces, quotes or capitals in the name)',
  );
const urlPath = z.string().regex(/^\/[A-Za-z0-9._~\-/]*$/, 'must be a URL path starting with "/"');
const envName = z.string().regex(ENV_NAME, 'must be an environment variable name');
const scalar = z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v));

const countPerEnv = z.union([
  z
    .number()
    .int()
    .min(0)
    .max(100)
    .transform((n) => ({ production: n, staging: n, pr: n })),
  z.strictObject({
    production: z.number().int().min(0).max(100).default(1),
    staging: z.number().int().min(0).max(100).default(1),
    pr: z.number().int().min(0).max(10).default(1),
  }),
]);

const resources = z.strictObject({
  cpu: z.number().int().min(10).max(64_000).default(100),
  memory: z.number().int().min(10).max(256_000).default(256),
});

const volume = z.strictObject({
  name: name,
  path: z.string().regex(/^\/\S*$/, 'must be an absolute path inside the container'),
  read_only: z.boolean().default(false),
});

const route = z.strictObject({
  path: urlPath,
  websocket: z.boolean().default(false),
  timeout: durationIn('1s', '24h').optional(),
  max_body: size.optional(),
});

/**
 * A one-shot task that runs to completion before the service's main task starts, on every
 * allocation (Nomad `lifecycle { hook = "prestart", sidecar = false }`): migrations, init.
 */
const prestartTask = z.strictObject({
  image,
  entrypoint: z.array(z.string()).optional(),
  command: z.string().min(1).optional(),
  args: z.array(z.string()).default([]),
  env: z.record(envName, scalar).default({}),
  secrets: setOf(envName).default([]),
  resources: resources.default({ cpu: 100, memory: 256 }),
});

export const serviceSchema = z.strictObject({
  image,
  port: z.number().int().min(1).max(65_535).optional(),
  health: urlPath.optional(),
  /** One route, or a list when several paths go to this service; always a list once parsed. */
  route: z
    .preprocess((v) => (v && typeof v === 'object' && !Array.isArray(v) ? [v] : v), z.array(route))
    .default([]),
  env: z.record(envName, scalar).default({}),
  secrets: setOf(envName).default([]),
  resources: resources.default({ cpu: 100, memory: 256 }),
  count: countPerEnv.default({ production: 1, staging: 1, pr: 1 }),
  volumes: z.array(volume).default([]),
  entrypoint: z.array(z.string()).optional(),
  command: z.string().min(1).optional(),
  args: z.array(z.string()).default([]),
  depends_on: setOf(name).default([]),
  prestart: z.record(name, prestartTask).default({}),
});

const environmentName = z.enum(['production', 'staging', 'pr']);

/** A schedule as Nomad's cron parser reads it (see cron.ts). */
const nomadCron = z.string().superRefine((text, ctx) => {
  const parsed = parseNomadCron(text);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
});

export const periodicJobSchema = z.strictObject({
  cron: nomadCron,
  image,
  command: z.string().min(1),
  args: z.array(z.string()).default([]),
  env: z.record(envName, scalar).default({}),
  secrets: setOf(envName).default([]),
  resources: resources.default({ cpu: 100, memory: 256 }),
  volumes: z.array(volume).default([]),
  environments: setOf(environmentName).min(1).default(['production']),
});

/**
 * A branch name as `git check-ref-format --branch` accepts it (git-check-ref-format(1)): no
 * spaces, control characters, `~^:?*[\\`, `..`, `@{`, no leading `-`/`.`, no trailing `/`, `.`
 * or `.lock`.
 */
const branch = z
  .string()
  .min(1)
  .max(255)
  .refine(
    (b) => !/[\p{Cc} ~^:?*[\\]|\.\.|@\{|\/\/|^[-./]|[/.]$|\.lock$|\/\./u.test(b) && b !== '@',
    'must be a git branch name such as main or release/2 (no spaces, "..", "~^:?*[\\" or a trailing "/" or ".lock")',
  );

/**
 * Deploys on push (the bot): a push to `production`'s branch deploys production, one to
 * `staging`'s deploys staging, once the commit's checks pass. `production` defaults to the
 * repository's default branch (from the push); `false` turns an environment's deploys off.
 */
const deployOnPush = z.strictObject({
  production: z.union([branch, z.literal(false)]).optional(),
  staging: z.union([branch, z.literal(false)]).default('staging'),
  /** Check runs and commit statuses (by name) that must succeed; absent: every one on the commit. */
  checks: z.array(z.string().min(1).max(255)).optional(),
  checks_timeout: durationIn('1m', '24h').default('30m'),
});

const environment = z.strictObject({
  servers: z.number().int().min(1).max(9),
  host: hostname,
});

const kvFolder = z
  .string()
  .regex(
    KV_FOLDER,
    'must be a Consul KV folder such as "apps/aipacto" (letters, digits, ".", "_", "-", "/"; no "." or ".." segment)',
  );

/**
 * Where `prenv serve` keeps its state (`state: consul` is short for `state: { store: consul }`).
 * `sqlite`: one file on the bot's host volume, one replica. `consul`: Consul KV under `prefix`
 * (default `prenv/<project>/state`), shared by `replicas` bot allocations (default 2) of which
 * the one holding the leader lock runs the work.
 */
const stateSchema = z
  .preprocess(
    (v) => (typeof v === 'string' ? { store: v } : v),
    z.strictObject({
      store: z.enum(['sqlite', 'consul']).default('sqlite'),
      prefix: kvFolder.optional(),
      replicas: z.number().int().min(1).max(3).optional(),
    }),
  )
  .default({ store: 'sqlite' });

export const configSchema = z.strictObject({
  project: name,
  github: z.strictObject({
    owner: z.string().regex(/^[A-Za-z0-9-]{1,39}$/, 'must be a GitHub user or organisation name'),
    repo: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'must be a GitHub repository name'),
  }),
  domain: hostname,
  hetzner: z
    .strictObject({
      location: z.enum(HETZNER_LOCATIONS).default('nbg1'),
      server_type: z
        .string()
        .regex(/^[a-z0-9]+$/, 'must be a Hetzner server type such as cx22')
        .default('cx22'),
      preview_server_type: z
        .string()
        .regex(/^[a-z0-9]+$/)
        .optional(),
      /** Who may reach SSH on the servers; absent or empty closes SSH. */
      ssh_allowed_cidrs: z
        .array(
          z
            .string()
            .regex(
              /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\/(3[0-2]|[12]?\d)$/,
              'must be an IPv4 CIDR block such as 203.0.113.4/32',
            ),
        )
        .optional(),
    })
    .default({ location: 'nbg1', server_type: 'cx22' }),
  previews: z
    .strictObject({
      host: z
        .string()
        .refine((h) => h.includes('{{number}}'), 'must contain {{number}}')
        .refine(
          (h) => HOSTNAME.test(h.replaceAll('{{number}}', '1')),
          'must be a lowercase DNS name with {{number}} in it, such as pr-{{number}}.pr.example.com',
        )
        .optional(),
      max: z.number().int().min(1).max(100).default(15),
      forks: z.enum(['maintainer-deploy-only', 'never']).default('maintainer-deploy-only'),
      ttl: durationIn('1m', '365d').default('72h'),
      /**
       * Who may open a preview: `github` (signed in with read access to the repository, or the
       * environment's bypass token), `basic` (HTTP Basic auth with the bypass token as password),
       * `none` (anyone). prenv.yml does not say whether the repository is private, so the safe
       * answer is the default.
       */
      protect: z.enum(['github', 'basic', 'none']).default('github'),
    })
    .default({ max: 15, forks: 'maintainer-deploy-only', ttl: '72h', protect: 'github' }),
  environments: z
    .strictObject({
      production: environment.optional(),
      staging: environment.optional(),
    })
    .default({}),
  deploy_on_push: deployOnPush.default({ staging: 'staging', checks_timeout: '30m' }),
  tls: z
    .strictObject({
      mode: z.enum(['auto', 'on_demand', 'internal', 'off', 'load_balancer']).default('on_demand'),
      ask: z
        .string()
        .refine(
          (v) => ASK_URL.test(v) && URL.canParse(v),
          "must be an http(s) URL without spaces, quotes or braces, such as http://127.0.0.1:8080/tls/ask (it is written into the Caddyfile's on_demand_tls block)",
        )
        .optional(),
    })
    .default({ mode: 'on_demand' }),
  /**
   * Credentials for private registries, as names of secrets (Consul KV, the env's folder like
   * every secret): every task whose image is on `server` gets Nomad's docker `auth` block,
   * filled at run time from those keys. No value is ever in prenv.yml or a rendered file.
   */
  registries: z
    .array(
      z.strictObject({
        server: z
          .string()
          .regex(
            /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?$/,
            'must be a registry host such as ghcr.io or registry.example.com:5000',
          )
          .refine((server) => Number(server.split(':')[1] ?? 1) <= 65_535, 'has a port above 65535')
          .refine(
            // Docker names Docker Hub's images docker.io whatever host serves them
            // (distribution/reference normalize.go), so no image's registry is one of these.
            (server) =>
              !['index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com'].includes(
                server,
              ),
            'is Docker Hub: write docker.io, the name Docker gives its images',
          ),
        username_secret: envName,
        password_secret: envName,
      }),
    )
    .superRefine((list, ctx) => {
      const first = new Map<string, number>();
      list.forEach((entry, index) => {
        const seen = first.get(entry.server);
        if (seen === undefined) first.set(entry.server, index);
        else
          ctx.addIssue({
            code: 'custom',
            path: [index, 'server'],
            message: `repeats "${entry.server}" (already entry ${seen + 1} of registries): one entry per registry, or the later one is never used`,
          });
      });
    })
    .default([]),
  consul: z
    .strictObject({
      dns: z
        .string()
        .regex(/^[\w.-]+:([1-9]\d{0,4})$/, 'must be host:port')
        .refine(
          (v) => !(Number(v.split(':')[1]) > 65_535),
          'must be host:port, the port at most 65535',
        )
        .default('127.0.0.1:8600'),
      kv_prefix: kvFolder.optional(),
    })
    .default({ dns: '127.0.0.1:8600' }),
  state: stateSchema,
  reconcile: z
    .strictObject({ every: durationIn('10s', '24h').default('5m') })
    .default({ every: '5m' }),
  /**
   * Where the data of stateful services (those with `volumes`) lives. `pinned`: Nomad host
   * volumes on one server, and every group or job that mounts one is constrained to that
   * server (`node`, 1-based, of production and staging). Hetzner Cloud Volumes through the
   * hcloud CSI driver are not supported yet.
   */
  storage: z
    .strictObject({
      stateful: z.enum(['pinned']).default('pinned'),
      node: z.number().int().min(1).max(5).default(1),
    })
    .default({ stateful: 'pinned', node: 1 }),
  /**
   * PostgreSQL backups that leave the node: a periodic job per entry dumps the database and
   * uploads it to an S3-compatible bucket (Hetzner Object Storage), pruning by `retention`.
   * The bucket's keys are the secrets BACKUP_S3_ACCESS_KEY_ID and BACKUP_S3_SECRET_ACCESS_KEY.
   */
  backups: z
    .strictObject({
      s3: z.strictObject({
        endpoint: z.url(),
        bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name'),
        region: z
          .string()
          .regex(/^[a-z0-9-]+$/)
          .default('us-east-1'),
        prefix: z
          .string()
          .regex(/^([A-Za-z0-9._-]+\/)*$/, 'must be a folder such as "backups/" (or empty)')
          .optional(),
      }),
      // The prune runs right after each upload: shorter than a day, it deletes the dumps a
      // nightly job just made (0d deletes the one it uploaded).
      retention: durationIn('1d', '3650d').default('30d'),
      postgres: z
        .record(
          name,
          z.strictObject({
            service: name,
            database: z.string().regex(/^[A-Za-z_][A-Za-z0-9_$-]{0,62}$/),
            user: z.string().regex(/^[A-Za-z_][A-Za-z0-9_$-]{0,62}$/),
            password_secret: envName,
            cron: nomadCron,
            environments: setOf(environmentName).min(1).default(['production']),
          }),
        )
        .refine((p) => Object.keys(p).length > 0, 'needs at least one database'),
    })
    .optional(),
  services: z
    .record(name, serviceSchema)
    .refine((s) => Object.keys(s).length > 0, 'needs at least one service'),
  jobs: z.record(name, periodicJobSchema).default({}),
});

export type RawConfig = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;
export type ServiceConfig = z.output<typeof serviceSchema>;
export type PrestartTaskConfig = z.output<typeof prestartTask>;
export type RouteConfig = z.output<typeof route>;
export type PeriodicJobConfig = z.output<typeof periodicJobSchema>;
export type EnvironmentKind = z.output<typeof environmentName>;
