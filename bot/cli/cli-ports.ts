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
import { httpFetch } from '../adapters/http-fetch.js';
import { isMissingState, openStateStore, type StateTarget } from '../adapters/store/open-store.js';
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
  const config = await requireConfig(program.opts<{ config: string }>().config, ctx.cwd, ctx.env);
  const settings = readCliSettings(ctx);
  await checkSettingFiles(settings, ctx.cwd);
  return { config, settings };
}

/** The PRENV_* settings alone, or the CLI error (exit 3) that names each wrong one. */
function readCliSettings(ctx: CliContext): RuntimeSettings {
  const result = readRuntimeSettings(ctx.env);
  if (!result.ok)
    throw new CliError(
      `invalid settings:\n${result.errors.map((e) => `  - ${e}`).join('\n')}`,
      ExitCode.config,
    );
  return result.settings;
}

/**
 * The files PRENV_* variables name, checked before anything opens them, so a wrong path
 * names its variable (exit 3) instead of failing deep inside the state store or Terraform.
 */
export async function checkSettingFiles(
  settings: RuntimeSettings,
  cwd: string,
  options: { stateOnly?: boolean } = {},
): Promise<void> {
  const problems: string[] = [];
  const state = path.resolve(cwd, settings.statePath);
  const stateStat = await stat(state).catch(() => null);
  if (stateStat && !stateStat.isFile())
    problems.push(`PRENV_STATE=${settings.statePath} is not a file: name the state database file`);
  const outputsFile = options.stateOnly ? undefined : settings.terraform.productionOutputsFile;
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
 * file is an error (a wrong path must not look like "no environments"). With `needsGitHub`
 * (what needs it), missing GitHub credentials are a setting to give (exit 3), before anything
 * is opened.
 */
export async function openCliPorts(
  program: Command,
  ctx: CliContext,
  logger: Logger,
  options: { requireState: boolean; needsGitHub?: string },
): Promise<CliPorts> {
  const { config, settings } = await loadCliSettings(program, ctx);
  if (options.needsGitHub && !settings.github)
    throw new CliError(
      `${options.needsGitHub} needs GitHub: set PRENV_GITHUB_TOKEN, or PRENV_APP_ID and PRENV_PRIVATE_KEY`,
      ExitCode.config,
    );
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
 * one attempt of at most READ_TIMEOUT_MS, so an unreachable Nomad costs seconds at most once
 * (over node:http: see http-fetch.ts). The state is opened to read only unless `readOnly` is
 * false (`prenv retry` requeues a dead letter).
 */
export async function openReadPorts(
  program: Command,
  ctx: CliContext,
  options: { readOnly: boolean } = { readOnly: true },
): Promise<ReadPorts> {
  const ports = await openViewPorts(program, ctx, { stateOptional: false, ...options });
  return { ...ports, store: ports.store! };
}

/**
 * `openReadPorts`, where `stateOptional` turns a missing state file at the default path (neither
 * PRENV_STATE nor prenv.yml's `state` set) into `store: null` and `noState` (the sentence saying
 * so) instead of an error: `prenv cost` estimates without one.
 */
export async function openViewPorts(
  program: Command,
  ctx: CliContext,
  options: { stateOptional: boolean; readOnly?: boolean },
): Promise<Omit<ReadPorts, 'store'> & { store: StateStore | null; noState: string | null }> {
  const { config, settings } = await loadCliSettings(program, ctx);
  let store: StateStore | null = null;
  let noState: string | null = null;
  try {
    const target = stateTarget(config, settings, ctx.cwd);
    store = (await openStateStore(target, { mustExist: true, readOnly: options.readOnly ?? true }))
      .store;
  } catch (err) {
    // Only the default file may be missing: a PRENV_STATE or prenv.yml `state` that names
    // nothing is a mistake to report, not an empty world.
    const byDefault = !ctx.env.PRENV_STATE && config.state.store === 'sqlite';
    if (!(
      options.stateOptional &&
      byDefault &&
      err instanceof StateStoreError &&
      err.code === 'ENOENT'
    ))
      throw asCliError(err);
    noState = err.message;
  }
  const client = (s: RuntimeSettings['nomad']) =>
    createNomadClient({
      baseUrl: s.url,
      fetch: httpFetch,
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
 * The state store named by `--state` (a SQLite file or consul://host:port/kv-folder), else by
 * PRENV_STATE, else by `state` in prenv.yml: prenv.yml is read only in that last case, so a
 * node without it can export its state. With `mustExist`, a target without state is an error.
 */
export async function openStateFor(
  program: Command,
  ctx: CliContext,
  given: string | undefined,
  mustExist: boolean,
): Promise<StateStore> {
  const settings = readCliSettings(ctx);
  const token = settings.consul.token ? { token: settings.consul.token } : {};
  let target: StateTarget;
  if (given !== undefined) {
    const consul = parseConsulStateUrl(given);
    if (consul && 'error' in consul)
      throw new CliError(consul.error.replace('PRENV_STATE', '--state'), ExitCode.usage);
    target = consul
      ? { kind: 'consul', ...consul, ...token }
      : { kind: 'sqlite', file: path.resolve(ctx.cwd, given) };
  } else if (ctx.env.PRENV_STATE) {
    await checkSettingFiles(settings, ctx.cwd, { stateOnly: true });
    target = settings.stateUrl
      ? { kind: 'consul', ...settings.stateUrl, ...token }
      : { kind: 'sqlite', file: path.resolve(ctx.cwd, settings.statePath) };
  } else {
    target = stateTarget((await loadCliSettings(program, ctx)).config, settings, ctx.cwd);
  }
  const flag = given === undefined ? undefined : '--state';
  try {
    return (await openStateStore(target, { mustExist, ...(flag ? { namedBy: flag } : {}) })).store;
  } catch (err) {
    throw asCliError(err, flag);
  }
}

/**
 * A PRENV_STATE that holds no prenv state names a setting to change, exit 3 (`flag`: the option
 * that named it instead, exit 2); a state that cannot be used now (read-only, corrupt, disk full,
 * Consul unreachable) says so, exit 1.
 */
export function asCliError(err: unknown, flag?: string): unknown {
  if (isMissingState(err))
    return new CliError(err.message, flag ? ExitCode.usage : ExitCode.config);
  return err instanceof StateStoreError ? new CliError(err.message, ExitCode.failure) : err;
}
