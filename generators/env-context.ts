import type { Config } from '../bot/config/config.js';

/** Which environment to render, and the facts about its revision. */
export type EnvContext =
  | { kind: 'production' | 'staging'; sha?: string }
  | { kind: 'pr'; number: number; sha?: string; branch?: string; title?: string };

/** `production`, `staging` or `pr-N`. */
export function envName(ctx: EnvContext): string {
  return ctx.kind === 'pr' ? `pr-${ctx.number}` : ctx.kind;
}

/** The public host name of the environment. */
export function envHost(config: Config, ctx: EnvContext): string {
  if (ctx.kind === 'pr') return config.previews.host.replace(/\{\{number\}\}/g, String(ctx.number));
  return config.environments[ctx.kind].host;
}

/** Consul KV folder of the env's secrets: `<project>/<env>`, or `<project>/previews` for PRs. */
export function secretsPrefix(config: Config, ctx: EnvContext): string {
  const root = config.consul.kv_prefix ?? config.project;
  return `${root}/${ctx.kind === 'pr' ? 'previews' : ctx.kind}`;
}

/** `<project>-<env>`: the Nomad job of the env's services. */
export function envJobName(config: Config, ctx: EnvContext): string {
  return `${config.project}-${envName(ctx)}`;
}

/** `<project>-<env>-<service>`: the Consul service name. */
export function consulServiceName(config: Config, ctx: EnvContext, service: string): string {
  return `${envJobName(config, ctx)}-${service}`;
}

export function consulDnsName(config: Config, ctx: EnvContext, service: string): string {
  return `${consulServiceName(config, ctx, service)}.service.consul`;
}
