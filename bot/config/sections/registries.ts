import { z } from 'zod';
import { envName } from './fields.js';

/**
 * `registries:` — credentials for private registries, as names of secrets (Consul KV, the env's
 * folder like every secret): every task whose image is on `server` gets Nomad's docker `auth`
 * block, filled at run time from those keys. No value is ever in prenv.yml or a rendered file.
 */
export const registriesSchema = z
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
  .default([]);
