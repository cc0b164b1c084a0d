import type { Config } from '../../bot/config/config.js';
import { secretsPrefix, type EnvContext } from '../env-context.js';
import { envLine } from './runtime-env.js';

/** The task env variables the docker `auth` block reads (`${…}`, Nomad's run-time interpolation). */
export const REGISTRY_USERNAME_VAR = 'PRENV_REGISTRY_USERNAME';
export const REGISTRY_PASSWORD_VAR = 'PRENV_REGISTRY_PASSWORD';

/**
 * The registry host of an image reference, as Docker reads it (distribution/reference): the
 * first path component when it has a `.` or `:` or is `localhost`, else Docker Hub.
 */
export function imageRegistry(image: string): string {
  const slash = image.indexOf('/');
  const first = slash < 0 ? '' : image.slice(0, slash);
  return /[.:]/.test(first) || first === 'localhost' ? first.toLowerCase() : 'docker.io';
}

/**
 * The env-file lines (consul-template) that put the registry's username and password of
 * `prenv.yml` `registries` into the task's environment, read from Consul KV when the task
 * starts; null when the image's registry has no entry. Nomad fills the docker driver's `auth`
 * block from them (task config is interpolated with the task's env, templates included).
 */
export function registryAuthView(
  config: Config,
  ctx: EnvContext,
  image: string,
): { lines: string[] } | null {
  const registry = imageRegistry(image);
  const entry = config.registries.find((r) => r.server === registry);
  if (!entry) return null;
  const prefix = secretsPrefix(config, ctx);
  const key = (name: string) => `key ${JSON.stringify(`${prefix}/${name}`)}`;
  return {
    lines: [
      envLine(REGISTRY_USERNAME_VAR, key(entry.username_secret)),
      envLine(REGISTRY_PASSWORD_VAR, key(entry.password_secret)),
    ],
  };
}
