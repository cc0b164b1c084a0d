import { z } from 'zod';
import { githubLoginProblem } from './github-login.js';
import { backupsSchema } from './sections/backups.js';
import type { environmentName } from './sections/fields.js';
import { hostname, name } from './sections/fields.js';
import { deployOnPushSchema, previewsSchema } from './sections/previews.js';
import { registriesSchema } from './sections/registries.js';
import { environmentsSchema, hetznerSchema, storageSchema } from './sections/servers.js';
import type { prestartTask, route } from './sections/services.js';
import { periodicJobSchema, serviceSchema } from './sections/services.js';
import { consulSchema, reconcileSchema, stateSchema } from './sections/state.js';
import { tlsSchema } from './sections/tls.js';

/** prenv.yml as a whole; each section's schema lives in `sections/`, named after it. */

export { HETZNER_LOCATIONS } from './sections/servers.js';
export { isHostname, isImageReference, KV_FOLDER } from './sections/fields.js';
export { periodicJobSchema, serviceSchema } from './sections/services.js';

export const configSchema = z.strictObject({
  project: name,
  github: z.strictObject({
    owner: z.string().superRefine((value, ctx) => {
      const problem = githubLoginProblem(value);
      if (problem)
        ctx.addIssue({
          code: 'custom',
          message: `must be a GitHub user or organisation name: "${value}" ${problem}`,
        });
    }),
    repo: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'must be a GitHub repository name'),
  }),
  domain: hostname,
  hetzner: hetznerSchema,
  previews: previewsSchema,
  environments: environmentsSchema,
  deploy_on_push: deployOnPushSchema,
  tls: tlsSchema,
  registries: registriesSchema,
  consul: consulSchema,
  state: stateSchema,
  reconcile: reconcileSchema,
  storage: storageSchema,
  backups: backupsSchema,
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
