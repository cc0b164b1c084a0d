import type { ParsedConfig, ServiceConfig } from './schema.js';
import { routedHostProblems } from './routed-hosts.js';
import type { CrossFieldProblem } from './cross-field-problem.js';

/** The validated configuration with every derived default filled in. */
export interface Config extends Omit<ParsedConfig, 'previews' | 'environments' | 'tls'> {
  previews: Omit<ParsedConfig['previews'], 'host'> & { host: string };
  environments: {
    production: { servers: number; host: string };
    staging: { servers: number; host: string };
  };
  tls: { mode: ParsedConfig['tls']['mode']; ask: string };
}

export const DEFAULT_TLS_ASK = 'http://127.0.0.1:8080/tls/ask';

export type { CrossFieldProblem } from './cross-field-problem.js';

export function withDerivedDefaults(parsed: ParsedConfig): Config {
  return {
    ...parsed,
    previews: {
      ...parsed.previews,
      host: parsed.previews.host ?? `pr-{{number}}.pr.${parsed.domain}`,
    },
    environments: {
      production: parsed.environments.production ?? { servers: 3, host: parsed.domain },
      staging: parsed.environments.staging ?? { servers: 1, host: `staging.${parsed.domain}` },
    },
    tls: { mode: parsed.tls.mode, ask: parsed.tls.ask ?? DEFAULT_TLS_ASK },
  };
}

export function crossFieldProblems(config: ParsedConfig): CrossFieldProblem[] {
  const problems: CrossFieldProblem[] = [];
  const names = new Set(Object.keys(config.services));
  const routePaths = new Map<string, string>();
  for (const [name, svc] of Object.entries(config.services) as [string, ServiceConfig][]) {
    const at = ['services', name];
    if (svc.route.length > 0 && svc.port === undefined) {
      problems.push({ path: [...at, 'route'], message: 'a routed service needs a "port"' });
    }
    if (svc.health && svc.port === undefined) {
      problems.push({ path: [...at, 'health'], message: 'a health path needs a "port"' });
    }
    svc.depends_on.forEach((dep, i) => {
      if (!names.has(dep)) {
        problems.push({ path: [...at, 'depends_on', i], message: `unknown service "${dep}"` });
      }
    });
    problems.push(...secretClashes(at, svc));
    svc.route.forEach((route, i) => {
      const other = routePaths.get(route.path);
      if (other) {
        problems.push({
          path: [...at, 'route', ...(svc.route.length > 1 ? [i] : []), 'path'],
          message: `path "${route.path}" is already routed to service "${other}"`,
        });
      }
      routePaths.set(route.path, name);
    });
    for (const [task, source] of Object.entries(svc.prestart)) {
      problems.push(...secretClashes([...at, 'prestart', task], source));
      if (task === name) {
        problems.push({
          path: [...at, 'prestart', task],
          message: 'a prestart task needs a name other than its service',
        });
      }
    }
  }
  // What terraform/environments/<env> accepts: production's server_count validation allows
  // 3 or 5 (a Raft quorum that survives one loss), staging's main.tf fixes server_count = 1.
  const production = config.environments.production?.servers;
  if (production !== undefined && production !== 3 && production !== 5) {
    problems.push({
      path: ['environments', 'production', 'servers'],
      message: `production runs 3 or 5 servers (a Nomad/Consul quorum that survives one loss), got ${production}`,
    });
  }
  const staging = config.environments.staging?.servers;
  if (staging !== undefined && staging !== 1) {
    problems.push({
      path: ['environments', 'staging', 'servers'],
      message: `staging runs exactly 1 server (terraform/environments/staging is a one-server cluster), got ${staging}`,
    });
  }
  const { production: productionBranch, staging: stagingBranch } = config.deploy_on_push;
  if (stagingBranch !== false && stagingBranch === productionBranch) {
    problems.push({
      path: ['deploy_on_push', 'staging'],
      message: `branch "${stagingBranch}" already deploys production; give staging a branch of its own or false`,
    });
  }
  const servers = (env: 'production' | 'staging') => config.environments[env]?.servers;
  for (const env of ['production', 'staging'] as const) {
    const count = servers(env) ?? (env === 'production' ? 3 : 1);
    if (
      config.storage.node > count &&
      Object.values(config.services).some((s) => s.volumes.length > 0)
    ) {
      problems.push({
        path: ['storage', 'node'],
        message: `server ${config.storage.node} does not exist in ${env}, which has ${count} server(s); stateful services are pinned to it`,
      });
    }
  }
  if (config.state.store === 'sqlite' && (config.state.replicas ?? 1) > 1) {
    problems.push({
      path: ['state', 'replicas'],
      message: `a SQLite state has one writer, so the bot runs 1 replica; set "store: consul" to run ${config.state.replicas}`,
    });
  }
  for (const [name, job] of Object.entries(config.jobs)) {
    problems.push(...secretClashes(['jobs', name], job));
  }
  for (const [name, backup] of Object.entries(config.backups?.postgres ?? {})) {
    if (BACKUP_DUMP_ENV.includes(backup.password_secret)) {
      problems.push({
        path: ['backups', 'postgres', name, 'password_secret'],
        message: `"${backup.password_secret}" is a variable the backup job sets itself; name the secret differently`,
      });
    }
    const svc = config.services[backup.service];
    if (!svc || svc.port === undefined) {
      problems.push({
        path: ['backups', 'postgres', name, 'service'],
        message: svc
          ? `service "${backup.service}" has no port to reach the database on`
          : `unknown service "${backup.service}"`,
      });
    }
  }
  problems.push(...routedHostProblems(config));
  if (config.previews.host && !config.previews.host.endsWith(`.${config.domain}`)) {
    problems.push({
      path: ['previews', 'host'],
      message: `must be a host under the domain "${config.domain}"`,
    });
  }
  // The load balancer's certificate covers the pull requests' hosts with one wildcard, which
  // stands for exactly one label.
  if (
    config.tls.mode === 'load_balancer' &&
    config.previews.host?.split('.')[0]?.includes('{{number}}') === false
  ) {
    problems.push({
      path: ['previews', 'host'],
      message:
        'with tls.mode load_balancer, {{number}} must be in the first label (pr-{{number}}.pr.example.com), so one wildcard certificate covers every pull request',
    });
  }
  return problems;
}

/** Env names the backup job's dump task sets from prenv.yml (generators/nomad/backup-views). */
const BACKUP_DUMP_ENV = ['BACKUP_NAME', 'PGADDR', 'PGDATABASE', 'PGUSER'];

/**
 * A secret reaches the task through a template with `env = true`, whose variables override
 * the task's `env` and Nomad's own runtime variables (nomad client/taskenv `Builder.Build`:
 * "template env vars ... override task env vars"). A secret named like one of them would
 * silently replace it, so both are refused.
 */
function secretClashes(
  at: (string | number)[],
  source: { env: Record<string, string>; secrets: string[] },
): CrossFieldProblem[] {
  const problems: CrossFieldProblem[] = [];
  source.secrets.forEach((secret, i) => {
    if (secret in source.env) {
      problems.push({
        path: [...at, 'env', secret],
        message: `"${secret}" is also listed in secrets; keep it in one place`,
      });
    } else if (secret.startsWith('NOMAD_')) {
      problems.push({
        path: [...at, 'secrets', i],
        message: `"${secret}" would replace Nomad's own runtime variable of that name; NOMAD_ is Nomad's`,
      });
    }
  });
  return problems;
}
