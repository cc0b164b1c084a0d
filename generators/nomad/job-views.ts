import type { Config } from '../../bot/config/config.js';
import type {
  PeriodicJobConfig,
  PrestartTaskConfig,
  ServiceConfig,
} from '../../bot/config/schema.js';
import { consulServiceName, envJobName, envName, type EnvContext } from '../env-context.js';
import type { RenderProblem } from '../errors.js';
import { compare, resolveTask } from '../resolve.js';
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

/** Job meta that marks prenv's ownership (read by the Nomad adapter before it overwrites a job). */
export function ownershipMeta(config: Config, ctx: EnvContext): MetaEntry[] {
  const meta: { name: string; value: string }[] = [
    { name: 'prenv_project', value: config.project },
    { name: 'prenv_env', value: envName(ctx) },
  ];
  if (ctx.kind === 'pr') meta.push({ name: 'prenv_pr', value: String(ctx.number) });
  if (ctx.sha !== undefined) meta.push({ name: 'prenv_sha', value: ctx.sha });
  if (ctx.kind === 'pr' && ctx.branch !== undefined)
    meta.push({ name: 'prenv_branch', value: ctx.branch });
  if (ctx.kind === 'pr' && ctx.title !== undefined)
    meta.push({ name: 'prenv_title', value: ctx.title });
  return aligned(meta);
}

function volumeViews(volumes: Volumes): VolumeView[] {
  return volumes.map((v) => ({ name: v.name, source: v.name, readOnly: v.read_only }));
}

function taskView(
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
      meta: ownershipMeta(config, ctx),
      cron: job.cron,
      group: {
        name,
        volumes: volumeViews(job.volumes),
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
