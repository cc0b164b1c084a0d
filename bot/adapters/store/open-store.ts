import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../core/logger.js';
import { makeDirs } from '../system/make-dirs.js';
import type { ConsulClient } from '../consul/client.js';
import { openSqliteStore } from './sqlite-store.js';
import type { StateStore } from './state-store.js';
import { StateStoreError } from './store-error.js';

/** Where the bot's state lives: one SQLite file, or a folder of Consul KV. */
export type StateTarget =
  | { kind: 'sqlite'; file: string }
  | { kind: 'consul'; url: string; prefix: string; token?: string };

export interface OpenedState {
  store: StateStore;
  /** The client of the state's Consul (for the leader lock); null for SQLite. */
  consul: ConsulClient | null;
  target: StateTarget;
  /** True when the target held no prenv state and this open started an empty one. */
  created: boolean;
}

/** Whether `err` says the target holds no prenv state (opened with `mustExist`). */
export function isMissingState(err: unknown): err is StateStoreError {
  return err instanceof StateStoreError && err.code === 'ENOENT';
}

/** How a target is named in messages (never with its token). */
export function describeTarget(target: StateTarget): string {
  return target.kind === 'sqlite'
    ? `state file ${target.file}`
    : `Consul KV ${target.prefix} at ${target.url}`;
}

/**
 * Opens the store at `target`. SQLite: creates the file's folder. Consul: checks the schema
 * version; an unreachable or refusing Consul becomes a `StateStoreError` naming it. With
 * `mustExist`, a target that holds no prenv state (no file; a KV folder with neither schema,
 * world nor delivery) is a `StateStoreError` with code `ENOENT` instead: a wrong path must not
 * look like "no environments" (see `isMissingState`); its message names `namedBy` (default
 * PRENV_STATE), the setting or flag to change. `readOnly`: for commands that only show the
 * state (see `openSqliteStore`). `created` tells a caller that may start a state (a first
 * deploy) to say so.
 */
export async function openStateStore(
  target: StateTarget,
  options: { logger?: Logger; mustExist?: boolean; namedBy?: string; readOnly?: boolean } = {},
): Promise<OpenedState> {
  const name = options.namedBy ?? 'PRENV_STATE';
  const fix = name.startsWith('-') ? `pass as ${name}` : `set ${name} to`;
  if (target.kind === 'sqlite') {
    const file = target.file;
    if (options.mustExist && !existsSync(file))
      throw new StateStoreError(
        `no prenv state at ${file}: ${fix} the bot's state file (default .prenv/state.db), or run this where the bot keeps it`,
        file,
        'ENOENT',
      );
    await makeDirs(path.dirname(file)).catch((err: unknown) => {
      throw new StateStoreError(
        `state file ${file}: cannot create its folder (${(err as Error).message}); create it or ${fix} a writable path`,
        file,
        (err as { code?: string }).code,
      );
    });
    const readOnly = options.readOnly ?? false;
    const created = !existsSync(file);
    try {
      return { store: openSqliteStore(file, { readOnly }), consul: null, target, created };
    } catch (err) {
      // A reader pointed at another kind of file (a typo in --state) must not be told to move
      // that file aside: it names the setting, like a path with no file.
      if (options.mustExist && err instanceof StateStoreError && err.code === 'SQLITE_NOTADB')
        throw new StateStoreError(
          `no prenv state at ${file}: it is not a SQLite database; ${fix} the bot's state file (default .prenv/state.db). If it is the bot's state, it is corrupt: move it aside and restart the bot; the reconciler rebuilds the environments from GitHub and the cloud`,
          file,
          'ENOENT',
        );
      throw err;
    }
  }
  // Loaded for a Consul target only: its client validates answers with zod, which a command
  // reading a SQLite file (`prenv list`) need not load.
  const [{ createConsulClient, isConsulError }, { holdsConsulState, openConsulStore }] =
    await Promise.all([import('../consul/client.js'), import('./consul-store.js')]);
  const consul = createConsulClient({
    baseUrl: target.url,
    fetch,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(target.token ? { token: target.token } : {}),
  });
  try {
    // Nothing is written for a reader: a mistyped prefix must not look like an empty world.
    const held = await holdsConsulState(consul.kv, target.prefix);
    if (options.mustExist && !held)
      throw new StateStoreError(
        `no prenv state at ${describeTarget(target)} (no ${target.prefix}/schema key): ${fix} the consul://host:port/prefix the bot keeps its state in`,
        `consul:${target.prefix}`,
        'ENOENT',
      );
    const store = await openConsulStore(consul.kv, target.prefix);
    return { store, consul, target, created: !held };
  } catch (err) {
    if (!isConsulError(err)) throw err;
    throw new StateStoreError(
      `${describeTarget(target)}: ${err.message}`,
      `consul:${target.prefix}`,
      err.kind,
    );
  }
}
