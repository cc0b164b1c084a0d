import { z } from 'zod';
import {
  durationIn,
  envName,
  environmentName,
  image,
  name,
  nomadCron,
  scalar,
  setOf,
  size,
  urlPath,
} from './fields.js';

/** `services:` and `jobs:` of prenv.yml: what runs, where it is routed, what it needs. */

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

export const route = z.strictObject({
  path: urlPath,
  websocket: z.boolean().default(false),
  timeout: durationIn('1s', '24h').optional(),
  max_body: size.optional(),
});

/**
 * A one-shot task that runs to completion before the service's main task starts, on every
 * allocation (Nomad `lifecycle { hook = "prestart", sidecar = false }`): migrations, init.
 */
export const prestartTask = z.strictObject({
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
