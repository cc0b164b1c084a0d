import { z } from 'zod';
import { hostname } from './fields.js';

/** `hetzner:`, `environments:` and `storage:`: the servers production and staging run on. */

export const HETZNER_LOCATIONS = ['fsn1', 'nbg1', 'hel1', 'ash', 'hil', 'sin'] as const;

const serverType = z.string().regex(/^[a-z0-9]+$/, 'must be a Hetzner server type such as cx22');

export const hetznerSchema = z
  .strictObject({
    location: z.enum(HETZNER_LOCATIONS).default('nbg1'),
    server_type: serverType.default('cx22'),
    preview_server_type: serverType.optional(),
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
  .default({ location: 'nbg1', server_type: 'cx22' });

const environment = z.strictObject({
  servers: z.number().int().min(1).max(9),
  host: hostname,
});

export const environmentsSchema = z
  .strictObject({
    production: environment.optional(),
    staging: environment.optional(),
  })
  .default({});

/**
 * Where the data of stateful services (those with `volumes`) lives. `pinned`: Nomad host
 * volumes on one server, and every group or job that mounts one is constrained to that
 * server (`node`, 1-based, of production and staging). Hetzner Cloud Volumes through the
 * hcloud CSI driver are not supported yet.
 */
export const storageSchema = z
  .strictObject({
    stateful: z.enum(['pinned']).default('pinned'),
    node: z.number().int().min(1).max(5).default(1),
  })
  .default({ stateful: 'pinned', node: 1 });
