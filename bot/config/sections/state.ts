import { z } from 'zod';
import { durationIn, kvFolder } from './fields.js';

/** `state:`, `consul:` and `reconcile:`: where the bot keeps its state and how it watches it. */

/**
 * Where `prenv serve` keeps its state (`state: consul` is short for `state: { store: consul }`).
 * `sqlite`: one file on the bot's host volume, one replica. `consul`: Consul KV under `prefix`
 * (default `prenv/<project>/state`), shared by `replicas` bot allocations (default 2) of which
 * the one holding the leader lock runs the work.
 */
export const stateSchema = z
  .preprocess(
    (v) => (typeof v === 'string' ? { store: v } : v),
    z.strictObject({
      store: z.enum(['sqlite', 'consul']).default('sqlite'),
      prefix: kvFolder.optional(),
      replicas: z.number().int().min(1).max(3).optional(),
    }),
  )
  .default({ store: 'sqlite' });

export const consulSchema = z
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
  .default({ dns: '127.0.0.1:8600' });

export const reconcileSchema = z
  .strictObject({ every: durationIn('10s', '24h').default('5m') })
  .default({ every: '5m' });
