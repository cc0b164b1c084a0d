import path from 'node:path';
import type { Config } from '../config/config.js';
import type { Logger } from '../core/logger.js';
import type { MetricsRecorder } from '../core/metrics.js';
import { DEFAULT_RETRY } from '../core/backoff.js';
import { planContext, type PlanContext } from '../core/plan-context.js';
import { createCaddyAdminClient, type CaddyAdminClient } from '../adapters/caddy/admin-client.js';
import { createConsulClient, type ConsulClient } from '../adapters/consul/client.js';
import type { GitHubPort } from '../adapters/github/github-port.js';
import { OctokitGitHub } from '../adapters/github/octokit-github.js';
import { offlineGitHub } from '../adapters/github/offline-github.js';
import { createNomadClient, type NomadApi } from '../adapters/nomad/index.js';
import { loadJobspecSchema } from '../adapters/nomad/jobspec-schema-file.js';
import {
  openStateStore,
  type OpenedState,
  type StateTarget,
} from '../adapters/store/open-store.js';
import { recordingSlotSamples } from '../adapters/store/slot-recorder.js';
import { stateTarget } from './state-target.js';
import type { StateStore } from '../adapters/store/state-store.js';
import { type TerraformRunner, type TfVars } from '../adapters/terraform/index.js';
import { loadTemplates } from '../adapters/templates/load-templates.js';
import { CADDY_SERVER_NAME } from '../../generators/caddy/route-json.js';
import { opsOnFirstUse, type EnvironmentOps } from '../runtime/environment-ops.js';
import { consulCaddies, createCaddyFleet } from '../runtime/caddy-fleet.js';
import { routeProbe } from '../runtime/route-probe.js';
import { previewBypassToken } from '../runtime/preview-bypass.js';
import { PREVIEW_AUTH } from '../../generators/caddy/routes.js';
import type { EnvContext } from '../../generators/env-context.js';
import { durationMs } from '../config/duration.js';
import { productionFactsReader, terraformFromSettings } from './terraform.js';
import type { RuntimeSettings } from './settings.js';

/** Every adapter prenv talks to the world through, built once from config and settings. */
export interface Ports {
  store: StateStore;
  /** The client of the Consul that keeps the state, for the leader lock; null with SQLite. */
  stateConsul: ConsulClient | null;
  stateTarget: StateTarget;
  /** The state was started empty by this wiring (see `OpenedState.created`). */
  stateCreated: boolean;
  github: GitHubPort;
  ops: EnvironmentOps;
  nomad: NomadApi;
  caddy: CaddyAdminClient;
  consul: ConsulClient;
  terraform: TerraformRunner;
  /** Reads what the PR module needs from production's Terraform outputs. */
  productionFacts: () => Promise<TfVars>;
  context: () => PlanContext;
}

export interface PortOverrides {
  github?: GitHubPort;
  ops?: EnvironmentOps;
}

export async function wirePorts(input: {
  config: Config;
  settings: RuntimeSettings;
  logger: Logger;
  cwd: string;
  overrides?: PortOverrides;
  metrics?: MetricsRecorder;
  /** A missing SQLite file is an error (commands that read the bot's state). */
  mustExist?: boolean;
  /** The bot: its first read of the world records the slots used then (see `recordingSlotSamples`). */
  sampleSlotsAtStart?: boolean;
  /**
   * The bot's secret (`PRENV_WEBHOOK_SECRET`), which preview bypass tokens derive from: with
   * `previews.protect` on, the deploy's last check sends the PR's token to reach the app.
   */
  previewSecret?: string;
  /** Aborted when the bot stops: GitHub calls in flight or waiting for a retry end at once. */
  githubStop?: AbortSignal;
  /** The bot: checks production's endpoints before each PR provision or deploy (see `PreviewOpsDeps`). */
  preflight?: (what: string) => Promise<void>;
}): Promise<Ports> {
  const { config, settings, logger, cwd } = input;
  const state = await openStateStore(stateTarget(config, settings, cwd), {
    logger,
    ...(input.mustExist ? { mustExist: true } : {}),
  });
  try {
    return await wireAround(state, input);
  } catch (err) {
    // A template or key that cannot be read must not leave the state's thread and file open.
    await state.store.close().catch(() => undefined);
    throw err;
  }
}

async function wireAround(
  state: OpenedState,
  input: Parameters<typeof wirePorts>[0],
): Promise<Ports> {
  const { config, settings, logger, cwd } = input;
  // Every save of the world, by the bot or a command, records a change of the slots used.
  const store = recordingSlotSamples(state.store, config.previews.max, logger, {
    atFirstRead: input.sampleSlotsAtStart === true,
  });
  const githubAuth = settings.github;
  const github =
    input.overrides?.github ??
    (githubAuth
      ? new OctokitGitHub(
          // Octokit, its plugins and GitHub's routes table load with the first GitHub call.
          async () =>
            (await import('../adapters/github/octokit-factory.js')).createOctokit({
              auth: githubAuth,
              baseUrl: settings.githubApiUrl,
              writeSpacingMs: settings.githubWriteSpacingMs,
              logger,
              ...(input.metrics ? { metrics: input.metrics } : {}),
              ...(input.githubStop ? { signal: input.githubStop } : {}),
            }),
          config.github,
          settings.secrets,
          githubAuth.mode,
        )
      : offlineGitHub(logger));
  const consul = createConsulClient({
    baseUrl: settings.consul.url,
    fetch,
    logger,
    ...tokenOf(settings.consul),
  });
  const nomad = createNomadClient({
    baseUrl: settings.nomad.url,
    fetch,
    logger,
    ...tokenOf(settings.nomad),
  });
  const caddyService = settings.caddyService;
  const caddy = createCaddyFleet({
    config,
    members: caddyService
      ? consulCaddies(consul.services, caddyService)
      : async () => [{ adminUrl: settings.caddyAdminUrl }],
    client: (member) =>
      createCaddyAdminClient({
        baseUrl: member.adminUrl,
        fetch,
        server: CADDY_SERVER_NAME,
        logger,
      }),
    logger,
  });
  const terraform = await terraformFromSettings(settings, cwd, logger);
  const productionFacts = productionFactsReader(settings, cwd, terraform);
  const caddyHttp = settings.caddyHttpUrl;
  const previewSecret = input.previewSecret;
  const headersFor = (ctx: EnvContext): Record<string, string> =>
    ctx.kind === 'pr' && config.previews.protect !== 'none' && previewSecret
      ? {
          [PREVIEW_AUTH.bypassHeader]: previewBypassToken(
            previewSecret,
            config.project,
            ctx.number,
          ),
        }
      : {};
  // Read at start, so a broken install stops the bot now; the pipeline that renders them
  // (generators, Handlebars, the executor) is loaded by the first run.
  const templates = await loadTemplates();
  const schema = loadJobspecSchema();
  const ops =
    input.overrides?.ops ??
    opsOnFirstUse(async () =>
      (await import('../runtime/preview-ops.js')).previewOps({
        config,
        templates,
        schema,
        terraform,
        terraformDir: path.resolve(cwd, settings.terraform.dir),
        productionFacts,
        nomad,
        caddy,
        consul: consul.services,
        secrets: consul.kv,
        ...(input.metrics ? { metrics: input.metrics } : {}),
        ...(input.preflight ? { preflight: input.preflight } : {}),
        ...(caddyHttp ? { probe: routeProbe({ config, entry: caddyHttp, headersFor }) } : {}),
        describePull: async (pr) => {
          const env = (await store.loadWorld()).world.envs[pr];
          return env ? { branch: env.pull.headRef, title: env.pull.title } : {};
        },
      }),
    );
  const previewUrl = (pr: number) =>
    `https://${config.previews.host.replace(/\{\{number\}\}/g, String(pr))}`;
  const context = () =>
    planContext({
      now: Date.now(),
      cap: config.previews.max,
      forks: config.previews.forks,
      ttlMs: durationMs(config.previews.ttl),
      retry: { ...DEFAULT_RETRY, ...settings.runRetry },
      previewUrl,
    });
  return {
    store,
    stateConsul: state.consul,
    stateTarget: state.target,
    stateCreated: state.created,
    github,
    ops,
    nomad,
    caddy,
    consul,
    terraform,
    productionFacts,
    context,
  };
}

function tokenOf(target: { token?: string }): { token?: string } {
  return target.token ? { token: target.token } : {};
}
