import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Server } from 'node:http';
import type { Config } from '../config/config.js';
import type { Logger } from '../core/logger.js';
import { planContext } from '../core/plan-context.js';
import { createCaddyAdminClient } from '../adapters/caddy/admin-client.js';
import { probeThroughCaddy } from '../adapters/caddy/probe.js';
import { createConsulClient } from '../adapters/consul/client.js';
import { createOctokit } from '../adapters/github/octokit-factory.js';
import { OctokitGitHub } from '../adapters/github/octokit-github.js';
import { createNomadClient } from '../adapters/nomad/index.js';
import { loadJobspecSchema } from '../adapters/nomad/jobspec-schema-file.js';
import { openSqliteStore } from '../adapters/store/sqlite-store.js';
import { createTerraformRunner, type TfVars } from '../adapters/terraform/index.js';
import { loadTemplates } from '../adapters/templates/load-templates.js';
import { CADDY_SERVER_NAME } from '../../generators/caddy/route-json.js';
import { Engine } from '../runtime/engine.js';
import type { EnvironmentOps } from '../runtime/environment-ops.js';
import type { GitHubPort } from '../adapters/github/github-port.js';
import { previewOps } from '../runtime/preview-ops.js';
import { allowCertificateFor, parseDuration } from './live-hosts.js';
import { close, createBotHttpServer, listen } from './http-server.js';
import type { ServeSettings } from './serve-settings.js';
import { createWebhookHandler } from './webhook-handler.js';

export interface BotApp {
  port: number;
  engine: Engine;
  stop(): Promise<void>;
}

/** Wires the bot from a config and its settings, and starts listening. */
export async function startBotApp(input: {
  config: Config;
  settings: ServeSettings;
  logger: Logger;
  port: number;
  host: string;
  cwd: string;
  /** Replacements for the outside world (the demo runs against a simulated cloud). */
  overrides?: { github?: GitHubPort; ops?: EnvironmentOps };
}): Promise<BotApp> {
  const { config, settings, logger } = input;
  const statePath = path.resolve(input.cwd, settings.statePath);
  await mkdir(path.dirname(statePath), { recursive: true });
  const store = openSqliteStore(statePath);
  const github =
    input.overrides?.github ??
    new OctokitGitHub(
      createOctokit({ auth: settings.github, baseUrl: settings.githubApiUrl }),
      config.github,
      settings.secrets,
    );
  const consul = createConsulClient({
    baseUrl: settings.consul.url,
    fetch,
    logger,
    ...tokenOf(settings.consul),
  });
  const extraVars = settings.terraform.varsFile
    ? (JSON.parse(
        await readFile(path.resolve(input.cwd, settings.terraform.varsFile), 'utf8'),
      ) as TfVars)
    : {};
  const ops =
    input.overrides?.ops ??
    previewOps({
      config,
      templates: await loadTemplates(),
      schema: loadJobspecSchema(),
      terraform: createTerraformRunner({
        bin: settings.terraform.bin,
        env: settings.terraform.env,
        logger,
        secrets: settings.secrets,
        ...(settings.terraform.backendConfig
          ? { backendConfig: [path.resolve(input.cwd, settings.terraform.backendConfig)] }
          : {}),
      }),
      terraformDir: path.resolve(input.cwd, settings.terraform.dir),
      extraTerraformVars: extraVars,
      nomad: createNomadClient({
        baseUrl: settings.nomad.url,
        fetch,
        logger,
        ...tokenOf(settings.nomad),
      }),
      caddy: createCaddyAdminClient({
        baseUrl: settings.caddyAdminUrl,
        fetch,
        server: CADDY_SERVER_NAME,
        logger,
      }),
      consul: consul.services,
      ...(settings.caddyHttpUrl
        ? { probe: (host: string) => probeThroughCaddy(settings.caddyHttpUrl!, host) }
        : {}),
      describePull: async (pr) => {
        const env = (await store.loadWorld()).world.envs[pr];
        return env ? { branch: env.pull.headRef, title: env.pull.title } : {};
      },
    });
  const previewUrl = (pr: number) =>
    `https://${config.previews.host.replace(/\{\{number\}\}/g, String(pr))}`;
  const engine = new Engine({
    store,
    github,
    ops,
    logger,
    secrets: settings.secrets,
    settleMs: settings.settleMs,
    context: () =>
      planContext({
        now: Date.now(),
        cap: config.previews.max,
        forks: config.previews.forks,
        ttlMs: parseDuration(config.previews.ttl),
        previewUrl,
      }),
  });
  const wake = () =>
    void engine
      .drain()
      .catch((err: unknown) => logger.error('drain failed', { error: String(err) }));
  const server: Server = createBotHttpServer({
    handleWebhook: createWebhookHandler({
      secret: settings.webhookSecret,
      store,
      appLogin: settings.appLogin,
      logger,
      now: Date.now,
      onQueued: wake,
    }),
    allowCertificate: allowCertificateFor(config, async () => (await store.loadWorld()).world),
    health: async () => {
      const { world } = await store.loadWorld();
      return { ok: true, detail: { environments: Object.keys(world.envs).length } };
    },
    logger,
  });
  const port = await listen(server, input.port, input.host);
  logger.info('listening', { port, host: input.host, webhook: '/webhooks/github' });
  await engine.start();
  const ticker = setInterval(() => {
    void engine
      .tick()
      .then(() => engine.drain())
      .catch((err: unknown) => logger.error('tick failed', { error: String(err) }));
  }, settings.tickMs);
  return {
    port,
    engine,
    stop: async () => {
      clearInterval(ticker);
      await close(server);
      await engine.stop();
      await store.close();
    },
  };
}

function tokenOf(target: { token?: string }): { token?: string } {
  return target.token ? { token: target.token } : {};
}
