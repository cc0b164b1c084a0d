/**
 * The values of the credentials prenv reads from `env` (tokens, keys; the webhook secret is
 * added by `prenv serve`), set ones only: what every output line is redacted of.
 */
export function credentialValues(env: Record<string, string | undefined>): string[] {
  return [
    env.PRENV_HCLOUD_TOKEN || env.HCLOUD_TOKEN,
    env.PRENV_PRIVATE_KEY,
    env.PRENV_GITHUB_TOKEN,
    env.PRENV_NOMAD_TOKEN,
    env.PRENV_CONSUL_TOKEN,
    env.AWS_SECRET_ACCESS_KEY,
    env.PRENV_STAGING_NOMAD_TOKEN,
    env.PRENV_STAGING_CONSUL_TOKEN,
    env.PRENV_GITHUB_CLIENT_SECRET,
  ].filter((s): s is string => !!s);
}
