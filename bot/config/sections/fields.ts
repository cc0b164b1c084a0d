import { z } from 'zod';
import { parseNomadCron } from '../cron.js';
import { DURATION_FORM, durationMs, parseDurationMs } from '../duration.js';
import { sizeBytes } from '../size.js';
import { HOSTNAME, IMAGE_REFERENCE, KV_FOLDER } from '../names.js';

export { HOSTNAME, isHostname, isImageReference, KV_FOLDER } from '../names.js';

/** The field types prenv.yml's sections share: names, hosts, durations, sizes, images, sets. */

const SIZE = /^(\d+)(B|KB|MB|GB|KiB|MiB|GiB)$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NAME = /^[a-z][a-z0-9-]{0,29}$/;

export const name = z
  .string()
  .regex(
    NAME,
    'must be lowercase letters, digits and "-", starting with a letter, at most 30 characters',
  );
export const hostname = z
  .string()
  .regex(HOSTNAME, 'must be a lowercase DNS name such as example.com');
const duration = z.string().regex(DURATION_FORM, 'must be a duration such as 90s, 30m, 72h or 7d');
/**
 * A duration between `min` and `max` (themselves durations): 0s or 99999h is a form, not a
 * value any of these keys can use (a reconciler period must also fit Node's timers, < 24.8d).
 */
export const durationIn = (min: string, max: string) =>
  duration.refine((d) => {
    const ms = parseDurationMs(d);
    if (ms === undefined) return true; // the form's own message says it
    return ms >= durationMs(min) && ms <= durationMs(max);
  }, `must be between ${min} and ${max}`);
/** Caddy's request_body max_size is an int64 of bytes; 0 would mean no limit at all. */
export const size = z
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
export const setOf = <T extends z.ZodType<string>>(item: T) =>
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

export const image = z
  .string()
  .refine(
    (v) => IMAGE_REFERENCE.test(v.replace(/\{\{[^{}]*\}\}/g, 'x')),
    'must be an image reference such as ghcr.io/acme/web:{{sha}} or postgres:16 (no spaces, quotes or capitals in the name)',
  );
export const urlPath = z
  .string()
  .regex(/^\/[A-Za-z0-9._~\-/]*$/, 'must be a URL path starting with "/"');
export const envName = z.string().regex(ENV_NAME, 'must be an environment variable name');
export const scalar = z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v));

export const environmentName = z.enum(['production', 'staging', 'pr']);

/** A schedule as Nomad's cron parser reads it (see cron.ts). */
export const nomadCron = z.string().superRefine((text, ctx) => {
  const parsed = parseNomadCron(text);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
});

export const kvFolder = z
  .string()
  .regex(
    KV_FOLDER,
    'must be a Consul KV folder such as "apps/aipacto" (letters, digits, ".", "_", "-", "/"; no "." or ".." segment)',
  );

/**
 * A branch name as `git check-ref-format --branch` accepts it (git-check-ref-format(1)): no
 * spaces, control characters, `~^:?*[\\`, `..`, `@{`, no leading `-`/`.`, no trailing `/`, `.`
 * or `.lock`.
 */
export const branch = z
  .string()
  .min(1)
  .max(255)
  .refine(
    (b) => !/[\p{Cc} ~^:?*[\\]|\.\.|@\{|\/\/|^[-./]|[/.]$|\.lock$|\/\./u.test(b) && b !== '@',
    'must be a git branch name such as main or release/2 (no spaces, "..", "~^:?*[\\" or a trailing "/" or ".lock")',
  );
