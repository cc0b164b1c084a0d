import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { loadConfigOrThrow } from '../bot/config/load.js';
import { openStateStore } from '../bot/adapters/store/open-store.js';
import {
  FAKE_TERRAFORM,
  startLocalStack,
  type LocalStack,
  type StagingCluster,
} from '../test/support/local-stack.js';

/** The local stack, plus what a second terminal needs to point `prenv` at it. */
export interface TryItStack {
  stack: LocalStack;
  /** The `PRENV_*` variables for the CLI. */
  env: Record<string, string>;
  /** A copy of the config with `consul.dns` pointed at the local Consul and open previews. */
  configFile: string;
  stop(): Promise<void>;
}

/**
 * Starts real Caddy and Consul, the Nomad API double, the fake terraform and the simulated
 * cloud, and writes a state folder, Terraform module folders and a config copy for the CLI.
 */
export async function startTryItStack(options: {
  configFile: string;
  terraformDelayMs?: number;
  /**
   * When the config has staging, run it as a cluster of its own (as it is for real) and give
   * its `PRENV_STAGING_*` variables; otherwise one cluster plays both.
   */
  stagingCluster?: boolean;
}): Promise<TryItStack> {
  const text = await readFile(options.configFile, 'utf8');
  const base = loadConfigOrThrow(text, options.configFile);
  const stack = await startLocalStack(base, {
    terraformDelayMs: options.terraformDelayMs ?? 0,
    staging: !!options.stagingCluster && base.environments.staging !== undefined,
  });
  const dir = await mkdtemp(path.join(tmpdir(), 'prenv-try-'));
  try {
    const doc = parseDocument(text);
    doc.setIn(['consul', 'dns'], stack.config.consul.dns);
    // No bot runs here to answer Caddy's forward_auth, so previews are open (as in the stack).
    doc.setIn(['previews', 'protect'], stack.config.previews.protect);
    const configFile = path.join(dir, path.basename(options.configFile));
    await writeFile(configFile, doc.toString());
    const modules = path.join(dir, 'terraform', 'environments');
    for (const env of ['pr', 'production', 'staging'])
      await mkdir(path.join(modules, env), { recursive: true });
    // What production's `terraform output -json` gives a PR, for runs that deploy PRs without
    // deploying production first (unset it to read the fake production state instead).
    const productionOutputs = path.join(dir, 'production-outputs.json');
    await writeFile(productionOutputs, JSON.stringify(FAKE_PRODUCTION_OUTPUTS, null, 2));
    // Started here, as `prenv serve` would: the CLI's deploys share it from the first one.
    const state = path.join(dir, 'state.db');
    await (await openStateStore({ kind: 'sqlite', file: state })).store.close();
    const env: Record<string, string> = {
      PRENV_STATE: state,
      PRENV_TF_PRODUCTION_OUTPUTS: productionOutputs,
      PRENV_NOMAD_ADDR: stack.nomad.url,
      PRENV_CONSUL_ADDR: stack.consul.httpUrl,
      PRENV_CADDY_ADMIN: stack.caddy.adminUrl,
      PRENV_CADDY_HTTP: `http://127.0.0.1:${stack.caddy.httpPort}`,
      PRENV_TERRAFORM_BIN: FAKE_TERRAFORM,
      PRENV_TERRAFORM_DIR: path.join(modules, 'pr'),
      PRENV_FAKE_TF_STATE_DIR: stack.stateDir,
      ...(stack.staging ? stagingEnv(stack.staging) : {}),
    };
    return {
      stack,
      env,
      configFile,
      stop: async () => {
        await stack.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await stack.stop();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/** What points the CLI at staging's own cluster (see `envFor`). */
function stagingEnv(staging: StagingCluster): Record<string, string> {
  return {
    PRENV_STAGING_NOMAD_ADDR: staging.nomad.url,
    PRENV_STAGING_CONSUL_ADDR: staging.consul.httpUrl,
    PRENV_STAGING_CADDY_ADMIN: staging.caddy.adminUrl,
    PRENV_STAGING_CADDY_HTTP: `http://127.0.0.1:${staging.caddy.httpPort}`,
  };
}

/** Production's `terraform output -json` as the simulated cloud would give it. */
export const FAKE_PRODUCTION_OUTPUTS = {
  network_id: { sensitive: false, type: 'string', value: '4000001' },
  server_private_ips: { sensitive: false, type: ['list', 'string'], value: ['10.0.1.2'] },
  ssh_key_names: { sensitive: false, type: ['list', 'string'], value: ['prenv-production'] },
  consul_encrypt_key: { sensitive: true, type: 'string', value: '' },
};

/** `export NAME='value'` lines for a POSIX shell. */
export function exportLines(env: Record<string, string>): string[] {
  return Object.entries(env).map(([k, v]) => `export ${k}='${v.replace(/'/g, `'\\''`)}'`);
}
