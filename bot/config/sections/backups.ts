import { z } from 'zod';
import { durationIn, envName, environmentName, name, nomadCron, setOf } from './fields.js';

/**
 * `backups:` — PostgreSQL backups that leave the node: a periodic job per entry dumps the
 * database and uploads it to an S3-compatible bucket (Hetzner Object Storage), pruning by
 * `retention`. The bucket's keys are the secrets BACKUP_S3_ACCESS_KEY_ID and
 * BACKUP_S3_SECRET_ACCESS_KEY.
 */
export const backupsSchema = z
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
  .optional();
