import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Config } from '../../bot/config/config.js';
import { createCaddyAdminClient } from '../../bot/adapters/caddy/admin-client.js';
import { createConsulClient, type ConsulClient } from '../../bot/adapters/consul/client.js';
import { createNomadClient } from '../../bot/adapters/nomad/index.js';
import { loadJobspecSchema } from '../../bot/adapters/nomad/jobspec-schema-file.js';
import { previewFactsFromOutputs } from '../../generators/terraform/production-outputs.js';
import { createTerraformRunner } from '../../bot/adapters/terraform/index.js';
import { loadTemplates } from '../../bot/adapters/templates/load-templates.js';
import type { EnvironmentOps } from '../../bot/runtime/environment-ops.js';
import { previewOps } from '../../bot/runtime/preview-ops.js';
import { routeProbe } from '../../bot/runtime/route-probe.js';
import { SimulatedCloud } from '../fakes/cloud/simulated-cloud.js';
import { startFakeNomad, type FakeNomad } from '../fakes/nomad-api/server.js';
import { startCaddy, type CaddyProcess } from './caddy-process.js';
import { startConsul, type ConsulProcess } from './consul-process.js';
import { repoRoot } from './tools.js';
import type { EnvContext } from '../../generators/env-context.js';
import { requiredSecretKeys } from '../../generators/nomad/secret-keys.js';
import { renderEnvironment } from '../../generators/render-environment.js';

export const FAKE_TERRAFORM = path.join(repoRoot, 'test/fakes/terraform/terraform');

/**
 * Everything a PR environment needs, on this machine: real Caddy and Consul, the Nomad API
 * double, the fake terraform and a simulated cloud that joins them.
 */
export interface LocalStack {
  caddy: CaddyProcess;
  consul: ConsulProcess;
  consulClient: ConsulClient;
  nomad: FakeNomad;
  cloud: SimulatedCloud;
  stateDir: string;
  /** The config with `consul.dns` pointed at the local Consul. */
  config: Config;
  ops: EnvironmentOps;
  /** A GET through Caddy with the given Host header. */
  get(host: string, urlPath?: string): Promise<{ status: number; body: string }>;
  /** Staging's own cluster, when asked for (`staging: true`). */
  staging: StagingCluster | null;
  stop(): Promise<void>;
}

/** Staging as a cluster of its own: its Nomad double, Caddy and Consul, joined by its cloud. */
export interface StagingCluster {
  caddy: CaddyProcess;
  consul: ConsulProcess;
  nomad: FakeNomad;
  cloud: SimulatedCloud;
  get(host: string, urlPath?: string): Promise<{ status: number; body: string }>;
}

export async function startLocalStack(
  base: Config,
  options: { terraformDelayMs?: number; staging?: boolean } = {},
): Promise<LocalStack> {
  const dir = await mkdtemp(path.join(tmpdir(), 'prenv-stack-'));
  const stateDir = path.join(dir, 'tfstate');
  const moduleDir = path.join(dir, 'terraform-pr');
  const [caddy, consul, nomad] = await Promise.all([
    startCaddy(),
    startConsul(),
    startFakeNomad({ healthyAfterMs: 600 }),
  ]);
  const consulClient = createConsulClient({ baseUrl: consul.httpUrl, fetch });
  // No bot answers Caddy's forward_auth here (no `prenv-bot` service): previews are open.
  // Protected previews are tested with a bot behind them (test/caddy/preview-protect.test.ts).
  const config: Config = {
    ...base,
    previews: { ...base.previews, protect: 'none' },
    consul: { ...base.consul, dns: `127.0.0.1:${consul.dnsPort}` },
  };
  await seedSecrets(consulClient, config);
  const staging = options.staging
    ? await startStagingCluster(config, stateDir, consulClient).catch(async (err: unknown) => {
        await Promise.allSettled([caddy.stop(), consul.stop(), nomad.close()]);
        throw err;
      })
    : null;
  const cloud = new SimulatedCloud({
    stateDir,
    nomad,
    consul: consulClient.services,
    ...(staging ? { envs: ['pr', 'production'] as const } : {}),
  });
  cloud.start();
  const { mkdir } = await import('node:fs/promises');
  await mkdir(moduleDir, { recursive: true });
  const terraform = createTerraformRunner({
    bin: FAKE_TERRAFORM,
    env: {
      PATH: process.env.PATH,
      PRENV_FAKE_TF_STATE_DIR: stateDir,
      PRENV_FAKE_TF_DELAY_MS: String(options.terraformDelayMs ?? 0),
      HCLOUD_TOKEN: 'hcloud-token-that-must-never-leak',
    },
    killGraceMs: 2_000,
  });
  const ops = previewOps({
    config,
    templates: await loadTemplates(),
    schema: await loadJobspecSchema(),
    terraform,
    terraformDir: moduleDir,
    // As production's `terraform output -json` would give them.
    productionFacts: async () => ({
      ...previewFactsFromOutputs({
        network_id: { value: '4000001', type: 'string', sensitive: false },
        server_private_ips: { value: ['10.0.1.10'], type: ['list', 'string'], sensitive: false },
        ssh_key_names: { value: [`${config.project}-production`], type: ['list', 'string'] },
        consul_encrypt_key: { value: '', type: 'string', sensitive: true },
      }),
    }),
    nomad: createNomadClient({ baseUrl: nomad.url, fetch }),
    caddy: createCaddyAdminClient({ baseUrl: caddy.adminUrl, fetch, server: caddy.serverName }),
    consul: consulClient.services,
    secrets: consulClient.kv,
    describePull: async () => ({}),
    probe: routeProbe({ config, entry: `http://127.0.0.1:${caddy.httpPort}` }),
    timeouts: { nodeMs: 10_000, healthMs: 15_000 },
  });
  return {
    caddy,
    consul: {
      ...consul,
      restart: async () => {
        await consul.restart();
        await cloud.reregister();
      },
    },
    consulClient,
    nomad,
    cloud,
    stateDir,
    config,
    ops,
    get: (host, urlPath = '/') => getWithHost(caddy.httpPort, host, urlPath),
    staging,
    stop: async () => {
      await Promise.all([cloud.stop(), staging?.cloud.stop()]);
      await Promise.allSettled([
        caddy.stop(),
        consul.stop(),
        nomad.close(),
        ...(staging ? [staging.caddy.stop(), staging.consul.stop(), staging.nomad.close()] : []),
      ]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A second Caddy, Consul and Nomad double for staging, whose servers the fake Terraform writes
 * to the same state folder. Its services are also listed in production's Consul, whose DNS
 * prenv.yml's `consul.dns` names for every Caddy.
 */
async function startStagingCluster(
  config: Config,
  stateDir: string,
  dnsConsul: ConsulClient,
): Promise<StagingCluster> {
  const [caddy, consul, nomad] = await Promise.all([
    startCaddy(),
    startConsul(),
    startFakeNomad({ healthyAfterMs: 600 }),
  ]);
  const client = createConsulClient({ baseUrl: consul.httpUrl, fetch });
  await seedSecrets(client, config);
  const cloud = new SimulatedCloud({
    stateDir,
    nomad,
    consul: client.services,
    envs: ['staging'],
    dnsConsul: dnsConsul.services,
  });
  cloud.start();
  return {
    caddy,
    consul,
    nomad,
    cloud,
    get: (host, urlPath = '/') => getWithHost(caddy.httpPort, host, urlPath),
  };
}

/**
 * Step 2 of "Deploying for real", done for the config: every secret the jobs of production,
 * staging and the previews read gets a stand-in value in the local Consul KV, so deploys pass
 * prenv's check that the secrets exist.
 */
async function seedSecrets(consul: ConsulClient, config: Config): Promise<void> {
  const templates = await loadTemplates();
  const sha = '0'.repeat(40);
  const contexts: EnvContext[] = [
    { kind: 'production', sha },
    { kind: 'staging', sha },
    { kind: 'pr', number: 1, sha },
  ];
  for (const ctx of contexts)
    for (const key of requiredSecretKeys(renderEnvironment(config, ctx, templates)))
      await consul.kv.put(key, `local-${key.slice(key.lastIndexOf('/') + 1)}`);
}

async function getWithHost(
  port: number,
  host: string,
  urlPath: string,
): Promise<{ status: number; body: string }> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: urlPath, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
