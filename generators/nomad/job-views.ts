import type { Config } from '../../bot/config/config.js';
import type {
  PeriodicJobConfig,
  PrestartTaskConfig,
  ServiceConfig,
} from '../../bot/config/schema.js';
import { consulServiceName, envJobName, envName, type EnvContext } from '../env-context.js';
import type { RenderProblem } from '../errors.js';
import { parsePlaceholders } from '../placeholders.js';
import { compare, resolveTask } from '../resolve.js';
import { registryAuthView } from './registry-auth.js';
import { runtimeEnvTemplate } from './runtime-env.js';
import {
  aligned,
  configPadding,
  type GroupView,
  type MetaEntry,
  type PeriodicJobView,
  type ServiceJobView,
  type TaskView,
  type VolumeView,
} from './views.js';

type Volumes = ServiceConfig['volumes'];

const ONE_SHOT = { ports: false, prestart: true } as const;

/**
 * Job meta that marks prenv's ownership (read by the Nomad adapter before it overwrites a
 * job). Stable across deploys: nothing here may change with the commit.
 */
export function ownershipMeta(config: Config, ctx: EnvContext): MetaEntry[] {
  const meta: { name: string; value: string }[] = [
    { name: 'prenv_project', value: config.project },
    { name: 'prenv_env', value: envName(ctx) },
  ];
  if (ctx.kind === 'pr') meta.push({ name: 'prenv_pr', value: String(ctx.number) });
  return aligned(meta);
}

/** The values of one deploy: the commit, and a PR's branch and title. */
export function revisionMeta(ctx: EnvContext): MetaEntry[] {
  const meta: { name: string; value: string }[] = [];
  if (ctx.sha !== undefined) meta.push({ name: 'prenv_sha', value: ctx.sha });
  if (ctx.kind === 'pr' && ctx.branch !== undefined)
    meta.push({ name: 'prenv_branch', value: ctx.branch });
  if (ctx.kind === 'pr' && ctx.title !== undefined)
    meta.push({ name: 'prenv_title', value: ctx.title });
  return aligned(meta);
}

/** Whether any field of the task refers to `{{sha}}`, i.e. whether the task changes with the commit. */
export function usesSha(source: ServiceConfig | PeriodicJobConfig | PrestartTaskConfig): boolean {
  const values = [
    source.image,
    source.command ?? '',
    ...source.args,
    ...(('entrypoint' in source && source.entrypoint) || []),
    ...Object.values(source.env),
  ];
  return values.some((v) => {
    const parsed = parsePlaceholders(v);
    return parsed.ok && parsed.segments.some((s) => s.kind === 'sha');
  });
}

/**
 * The node that holds the env's host volumes (`storage.node` of prenv.yml), for groups that
 * mount one. Previews need no pin: their job is already constrained to the PR's only node.
 * Node names are the Hetzner server names, which Terraform's module also sets as the
 * hostname Nomad registers (`<project>-<env>-server-<n>`, terraform/modules/base).
 */
function pinNode(config: Config, ctx: EnvContext, volumes: Volumes): string | null {
  if (volumes.length === 0 || ctx.kind === 'pr') return null;
  return `${config.project}-${ctx.kind}-server-${config.storage.node}`;
}

function volumeViews(volumes: Volumes): VolumeView[] {
  return volumes.map((v) => ({ name: v.name, source: v.name, readOnly: v.read_only }));
}

export function taskView(
  config: Config,
  ctx: EnvContext,
  name: string,
  source: ServiceConfig | PeriodicJobConfig | PrestartTaskConfig,
  at: string,
  role: { ports: boolean; prestart: boolean },
  problems: RenderProblem[],
): TaskView {
  const task = resolveTask(config, ctx, source, at, problems);
  const { ports, prestart } = role;
  const volumes = 'volumes' in source ? source.volumes : [];
  return {
    name,
    prestart,
    image: task.image,
    ports,
    entrypoint: task.entrypoint,
    command: task.command,
    args: task.args,
    configPad: configPadding({ image: true, ports, command: task.command !== null }),
    env: aligned(task.env),
    volumeMounts: volumes.map((v) => ({
      volume: v.name,
      destination: v.path,
      readOnly: v.read_only,
    })),
    template: runtimeEnvTemplate(config, ctx, task),
    registryAuth: registryAuthView(config, ctx, task.image),
    resources: { cpu: source.resources.cpu, memory: source.resources.memory },
  };
}

export function serviceJobView(
  config: Config,
  ctx: EnvContext,
  problems: RenderProblem[],
): ServiceJobView {
  const groups: GroupView[] = Object.entries(config.services)
    .sort(([a], [b]) => compare(a, b))
    .map(([name, svc]) => ({
      name,
      count: svc.count[ctx.kind],
      port: svc.port ?? null,
      volumes: volumeViews(svc.volumes),
      stateful: svc.volumes.length > 0,
      pinNode: pinNode(config, ctx, svc.volumes),
      // A prestart task (migrations) at the new commit is a change of the group too.
      meta: usesSha(svc) || Object.values(svc.prestart).some(usesSha) ? revisionMeta(ctx) : [],
      service:
        svc.port === undefined
          ? null
          : { name: consulServiceName(config, ctx, name), healthPath: svc.health ?? null },
      prestart: Object.entries(svc.prestart)
        .sort(([a], [b]) => compare(a, b))
        .map(([task, source]) =>
          taskView(
            config,
            ctx,
            task,
            source,
            `services.${name}.prestart.${task}`,
            ONE_SHOT,
            problems,
          ),
        ),
      task: taskView(
        config,
        ctx,
        name,
        svc,
        `services.${name}`,
        { ports: svc.port !== undefined, prestart: false },
        problems,
      ),
    }));
  for (const group of groups) {
    if (group.service && group.service.name.length > 63) {
      problems.push({
        path: `services.${group.name}`,
        message: `Consul service name "${group.service.name}" is longer than 63 characters; shorten the project or service name`,
      });
    }
  }
  return {
    name: envJobName(config, ctx),
    pr: ctx.kind === 'pr' ? String(ctx.number) : null,
    meta: ownershipMeta(config, ctx),
    // Canaries where there is room for a second copy; previews replace in place to stay fast.
    update: ctx.kind === 'pr' ? null : { maxParallel: 1, canary: 1, autoPromote: true },
    groups,
  };
}

/** The periodic jobs that run in this env, in name order. */
export function periodicJobViews(
  config: Config,
  ctx: EnvContext,
  problems: RenderProblem[],
): PeriodicJobView[] {
  return Object.entries(config.jobs)
    .filter(([, job]) => job.environments.includes(ctx.kind))
    .sort(([a], [b]) => compare(a, b))
    .map(([name, job]) => ({
      name: `${envJobName(config, ctx)}-${name}`,
      pr: ctx.kind === 'pr' ? String(ctx.number) : null,
      // A periodic job runs nothing between launches: its revision can stay job-level.
      meta: aligned([...ownershipMeta(config, ctx), ...revisionMeta(ctx)]),
      cron: job.cron,
      group: {
        name,
        volumes: volumeViews(job.volumes),
        pinNode: pinNode(config, ctx, job.volumes),
        task: taskView(
          config,
          ctx,
          name,
          job,
          `jobs.${name}`,
          { ports: false, prestart: false },
          problems,
        ),
      },
    }));
}
