import { z } from 'zod';
import { branch, durationIn, HOSTNAME } from './fields.js';

/** `previews:` and `deploy_on_push:`: when environments come and go. */

export const previewsSchema = z
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
  .default({ max: 15, forks: 'maintainer-deploy-only', ttl: '72h', protect: 'github' });

/**
 * Deploys on push (the bot): a push to `production`'s branch deploys production, one to
 * `staging`'s deploys staging, once the commit's checks pass. `production` defaults to the
 * repository's default branch (from the push); `false` turns an environment's deploys off.
 */
export const deployOnPushSchema = z
  .strictObject({
    production: z.union([branch, z.literal(false)]).optional(),
    staging: z.union([branch, z.literal(false)]).default('staging'),
    /** Check runs and commit statuses (by name) that must succeed; absent: every one on the commit. */
    checks: z.array(z.string().min(1).max(255)).optional(),
    checks_timeout: durationIn('1m', '24h').default('30m'),
  })
  .default({ staging: 'staging', checks_timeout: '30m' });
