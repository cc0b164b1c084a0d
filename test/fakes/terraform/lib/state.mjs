// Backend settings (in TF_DATA_DIR), the state object per backend key, and its lock file.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TF_VERSION, parseAddress } from './ui.mjs';

const PROVIDER = 'provider["registry.terraform.io/hetznercloud/hcloud"]';

export function dataDir() {
  return process.env.TF_DATA_DIR || '.terraform';
}

export function readBackend() {
  const file = path.join(dataDir(), 'terraform.tfstate');
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, 'utf8')).backend;
}

export function writeBackend(key) {
  const dir = dataDir();
  fs.mkdirSync(dir, { recursive: true });
  const doc = {
    version: 3,
    terraform_version: TF_VERSION,
    backend: { type: 's3', config: { key } },
  };
  fs.writeFileSync(path.join(dir, 'terraform.tfstate'), `${JSON.stringify(doc, null, 2)}\n`);
}

export function statePath(key) {
  return path.join(process.env.PRENV_FAKE_TF_STATE_DIR, key);
}

/** Servers in the state, as `{ addr, attributes }`. */
export function readState(key) {
  const file = statePath(key);
  if (!fs.existsSync(file)) {
    return { serial: 0, lineage: randomUUID(), servers: [], outputs: {} };
  }
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  const servers = doc.resources.flatMap((r) =>
    r.instances.map((i) => {
      const base = `${r.module ? `${r.module}.` : ''}${r.type}.${r.name}`;
      const addr = i.index_key === undefined ? base : `${base}[${i.index_key}]`;
      return { addr, attributes: i.attributes };
    }),
  );
  return { serial: doc.serial, lineage: doc.lineage, servers, outputs: doc.outputs };
}

export function writeState(key, state) {
  const byResource = new Map();
  for (const s of state.servers) {
    const a = parseAddress(s.addr);
    const id = `${a.module}/${a.type}.${a.name}`;
    if (!byResource.has(id)) {
      byResource.set(id, {
        ...(a.module ? { module: a.module } : {}),
        mode: 'managed',
        type: a.type,
        name: a.name,
        provider: PROVIDER,
        instances: [],
      });
    }
    const instance = { schema_version: 0, attributes: s.attributes };
    if (a.key !== null) instance.index_key = a.key;
    byResource.get(id).instances.push(instance);
  }
  const doc = {
    version: 4,
    terraform_version: TF_VERSION,
    serial: state.serial + 1,
    lineage: state.lineage,
    outputs: state.outputs,
    resources: [...byResource.values()],
    check_results: null,
  };
  const file = statePath(key);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(`${file}.tmp`, `${JSON.stringify(doc, null, 2)}\n`);
  fs.renameSync(`${file}.tmp`, file);
}

export function lockPath(key) {
  return `${statePath(key)}.tflock`;
}

/**
 * Takes the lock atomically; returns the holder's lock info when someone else has it. The
 * lock file is written aside and hard-linked into place, so a reader never sees it half
 * written.
 */
export function acquireLock(key, operation) {
  const file = lockPath(key);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const info = {
    ID: randomUUID(),
    Operation: operation,
    Info: `pid ${process.pid}`,
    Who: `${os.userInfo().username}@${os.hostname()}`,
    Version: TF_VERSION,
    Created: new Date().toISOString(),
    Path: `prenv-state/${key}`,
  };
  const aside = `${file}.${process.pid}.${info.ID}`;
  fs.writeFileSync(aside, JSON.stringify(info));
  try {
    for (;;) {
      try {
        fs.linkSync(aside, file);
        return { ok: true, info };
      } catch (e) {
        if (e.code !== 'EEXIST') throw e;
      }
      try {
        return { ok: false, holder: JSON.parse(fs.readFileSync(file, 'utf8')) };
      } catch (e) {
        // Released between the two calls: try again.
        if (e.code !== 'ENOENT') throw e;
      }
    }
  } finally {
    fs.rmSync(aside, { force: true });
  }
}

/**
 * Takes the lock, retrying every `pollMs` for up to `timeoutMs` (`-lock-timeout`) while
 * another run holds it; gives up early when `stopped()` says so (an interrupt).
 */
export async function waitForLock(key, operation, { timeoutMs, pollMs, sleep, stopped, onWait }) {
  const deadline = Date.now() + timeoutMs;
  let lock = acquireLock(key, operation);
  if (!lock.ok && timeoutMs > 0) onWait();
  while (!lock.ok && !stopped() && Date.now() < deadline) {
    await sleep(Math.min(pollMs, deadline - Date.now()));
    lock = acquireLock(key, operation);
  }
  return lock;
}

export function releaseLock(key) {
  fs.rmSync(lockPath(key), { force: true });
}

/** Terraform's "Error acquiring the state lock" diagnostic detail for an S3 lock file. */
export function lockErrorDetail(holder) {
  return [
    'Error message: operation error S3: PutObject, https response error StatusCode: 412, ' +
      'api error PreconditionFailed: At least one of the pre-conditions you specified did not hold',
    'Lock Info:',
    `  ID:        ${holder.ID}`,
    `  Path:      ${holder.Path}`,
    `  Operation: ${holder.Operation}`,
    `  Who:       ${holder.Who}`,
    `  Version:   ${holder.Version}`,
    `  Created:   ${holder.Created}`,
    `  Info:      ${holder.Info}`,
    '',
    '',
    'Terraform acquires a state lock to protect the state from being written',
    'by multiple users at the same time. Please resolve the issue above and try',
    'again. For most commands, you can disable locking with the "-lock=false"',
    'flag, but this is not recommended.',
  ].join('\n');
}
