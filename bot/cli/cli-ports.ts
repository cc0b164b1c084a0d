import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import type { Config } from '../config/config.js';
import type { Logger } from '../core/logger.js';
import { StateStoreError } from '../adapters/store/store-error.js';
import {
  parseConsulStateUrl,
  readRuntimeSettings,
  type RuntimeSettings,
} from '../wiring/settings.js';
import type { Ports } from '../wiring/ports.js';
// The client alone: read commands need none of the deploy helpers the index also exports.
import { createNomadClient, type NomadApi } from '../adapters/nomad/client.js';
import { noRetry } from '../core/backoff.js';
import { openStateStore } from '../adapters/store/open-store.js';
import { stateTarget } from '../wiring/state-target.js';
import type { StateStore } from '../adapters/store/state-store.js';
import { requireConfig } from './config-file.js';
import { envFor } from './reach/staging-env.js';
import type { CliContext } from './context.js';
import { CliError, ExitCode } from './exit-codes.js';

export interface CliPorts {
  config: Config;
  settings: RuntimeSettings;
  ports: Ports;
  close(): Promise<void>;
}

/** prenv.yml and the PRENV_* settings, or the CLI error that says what is wrong. */
export async function loadCliSettings(
  program: Command,
  ctx: CliContext,
): Promise<{ config: Config; settings: RuntimeSettings }> {
  const config = await requireConfig(program.opts<{ config: string }>().config, ctx.cwd);
  const result = readRuntimeSettings(ctx.env);
  if (!result.ok)
    throw new CliError(
      `invalid settings:\n${result.errors.map((e) => `  - ${e}`).join('\n')}`,
      ExitCode.config,
    );
  await checkSettingFiles(result.settings, ctx.cwd);
  return { config, settings: result.settings };
}

/**
 * The files PRENV_* variables name, checked before anything opens them, so a wrong path
 * names its variable (exit 3) instead of failing deep inside the state store or Terraform.
 */
export async function checkSettingFiles(settings: RuntimeSettings, cwd: string): Promise<void> {
  const problems: string[] = [];
  const state = path.resolve(cwd, settings.statePath);
  const stateStat = await stat(state).catch(() => null);
  if (stateStat && !stateStat.isFile())
    problems.push(`PRENV_STATE=${settings.statePath} is not a file: name the state database file`);
  const outputsFile = settings.terraform.productionOutputsFile;
  if (outputsFile) {
    const problem = await readJsonObjectFile(path.resolve(cwd, outputsFile));
    if (problem) problems.push(`PRENV_TF_PRODUCTION_OUTPUTS=${outputsFile}: ${problem}`);
  }
  if (problems.length > 0)
    throw new CliError(
      `invalid settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      ExitCode.config,
    );
}

async function readJsonObjectFile(file: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    return `cannot read it (${(err as NodeJS.ErrnoException).code ?? String(err)})`;
  }
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      return 'must hold a JSON object (what `terraform output -json` prints)';
  } catch (err) {
    return `is not JSON (${(err as Error).message})`;
  }
  return undefined;
}

/**
 * The adapters, with the state store at PRENV_STATE. With `requireState`, a missing state
 * file is an error (a wrong path must not look like "no environments").
 */
export async function openCliPorts(
  program: Command,
  ctx: CliContext,
  logger: Logger,
  options: { requireState: boolean },
): Promise<CliPorts> {
  const { config, settings } = await loadCliSettings(program, ctx);
  // Every adapter, Octokit and the deploy pipeline: loaded only by the commands that change things.
  const { wirePorts } = await import('../wiring/ports.js');
  const ports = await wirePorts({
    config,
    settings,
    logger,
    cwd: ctx.cwd,
    mustExist: options.requireState,
    ...(ctx.env.PRENV_WEBHOOK_SECRET ? { previewSecret: ctx.env.PRENV_WEBHOOK_SECRET } : {}),
  }).catch((err: unknown) => {
    throw asCliError(err);
  });
  return { config, settings, ports, close: () => ports.store.close() };
}

/** How long a read command waits for Nomad before it shows `unknown` (one attempt, no retries). */
export const READ_TIMEOUT_MS = 2_000;

export interface ReadPorts {
  config: Config;
  settings: RuntimeSettings;
  store: StateStore;
  nomad: NomadApi;
  /** Staging's Nomad (PRENV_STAGING_NOMAD_ADDR), or production's when that is unset. */
  stagingNomad: NomadApi;
  close(): Promise<void>;
}

/**
 * What `list`, `status` and `cost` read: the existing state file and a Nomad client that makes
 * one attempt of at most READ_TIMEOUT_MS, so an unreachable Nomad costs seconds at most once.
 */
export async function openReadPorts(program: Command, ctx: CliContext): Promise<ReadPorts> {
  const ports = await openViewPorts(program, ctx, { stateOptional: false });
  return { ...ports, store: ports.store! };
}

/**
 * `openReadPorts`, where `stateOptional` turns a SQLite state file that does not exist into
 * `store: null` and `noState` (the sentence saying so) instead of an error: `prenv cost` estimates
 * without one.
 */
export async function openViewPorts(
  program: Command,
  ctx: CliContext,
  options: { stateOptional: boolean },
): Promise<Omit<ReadPorts, 'store'> & { store: StateStore | null; noState: string | null }> {
  const { config, settings } = await loadCliSettings(program, ctx);
  let store: StateStore | null = null;
  let noState: string | null = null;
  try {
    const target = stateTarget(config, settings, ctx.cwd);
    store = (await openStateStore(target, { mustExist: true })).store;
  } catch (err) {
    if (!(options.stateOptional && err instanceof StateStoreError && err.code === 'ENOENT'))
      throw asCliError(err);
    noState = err.message;
  }
  const client = (s: RuntimeSettings['nomad']) =>
    createNomadClient({
      baseUrl: s.url,
      fetch,
      retry: noRetry,
      requestTimeoutMs: READ_TIMEOUT_MS,
      ...(s.token ? { token: s.token } : {}),
    });
  const nomad = client(settings.nomad);
  const staging = readRuntimeSettings(envFor(ctx.env, 'staging'));
  const stagingNomad =
    staging.ok &&
    (staging.settings.nomad.url !== settings.nomad.url ||
      staging.settings.nomad.token !== settings.nomad.token)
      ? client(staging.settings.nomad)
      : nomad;
  return {
    config,
    settings,
    store,
    noState,
    nomad,
    stagingNomad,
    close: async () => await store?.close(),
  };
}

/**
 * The state store named by `--state` (a SQLite file or consul://host:port/kv-folder), else
 * the bot's own (PRENV_STATE, then `state` in prenv.yml). With `mustExist`, a missing file is
 * an error.
 */
export async function openStateFor(
  program: Command,
  ctx: CliContext,
  given: string | undefined,
  mustExist: boolean,
): Promise<StateStore> {
  const { config, settings } = await loadCliSettings(program, ctx);
  let target = stateTarget(config, settings, ctx.cwd);
  if (given !== undefined) {
    const consul = parseConsulStateUrl(given);
    if (consul && 'error' in consul)
      throw new CliError(consul.error.replace('PRENV_STATE', '--state'), ExitCode.usage);
    const token = settings.consul.token ? { token: settings.consul.token } : {};
    target = consul
      ? { kind: 'consul', ...consul, ...token }
      : { kind: 'sqlite', file: path.resolve(ctx.cwd, given) };
  }
  try {
    return (await openStateStore(target, { mustExist })).store;
  } catch (err) {
    throw asCliError(err);
  }
}

/** A state file that cannot be opened (read-only, corrupt, disk full) says so, exit 1. */
function asCliError(err: unknown): unknown {
  return err instanceof StateStoreError ? new CliError(err.message, ExitCode.failure) : err;
}
