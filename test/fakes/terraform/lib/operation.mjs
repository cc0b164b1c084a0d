import fs from 'node:fs';
// plan / apply / destroy: lock, refresh, plan, change resources one by one, save state, unlock.
import {
  earlyDiagnostic,
  failingChangeIndex,
  injectedFailure,
  resourceFailure,
} from './failures.mjs';
import { counts, desiredServers, diff, outputsOf, readVars, targetOfKey } from './model.mjs';
import { lockErrorDetail, readState, releaseLock, waitForLock, writeState } from './state.mjs';
import { createUi, plainError, resourceObject } from './ui.mjs';

const VERBS = {
  create: ['Creating...', 'Creation complete', 'Creation errored', 'creating'],
  update: ['Modifying...', 'Modifications complete', 'Modifications errored', 'modifying'],
  delete: ['Destroying...', 'Destruction complete', 'Destruction errored', 'destroying'],
};

const LOCK_POLL_MS = 100;

/** Interrupt handling as in Terraform: the first SIGINT stops gracefully, a second one exits. */
function interrupts(ui) {
  const state = { interrupted: false, wake: new Set() };
  process.on('SIGINT', () => {
    if (process.env.PRENV_FAKE_TF_IGNORE_SIGINT === '1') return;
    if (state.interrupted) {
      ui.log(
        'Two interrupts received. Exiting immediately. Note that data loss may have occurred.',
      );
      process.exit(1);
    }
    state.interrupted = true;
    ui.log(
      'Interrupt received.\nPlease wait for Terraform to exit or data loss may occur.\nGracefully shutting down...',
    );
    for (const wake of state.wake) wake();
  });
  state.sleep = (ms) =>
    new Promise((resolve) => {
      if (ms <= 0 || state.interrupted) return resolve();
      const done = () => {
        clearTimeout(timer);
        state.wake.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      state.wake.add(done);
    });
  return state;
}

export async function runOperation(command, flags, key) {
  const json = flags.json === 'true';
  const ui = createUi({ json });
  const int = interrupts(ui);
  if (json) ui.version();
  const planFile = command === 'apply' ? flags.positional[0] : undefined;
  if (planFile && flags.varFiles.length > 0) {
    ui.diagnostic(
      plainError(
        "Can't set variables when applying a saved plan",
        'The -var and -var-file options cannot be used when applying a saved plan file, because a saved plan includes the variable values that were set when it was created.',
      ),
    );
    return 1;
  }
  if (command !== 'plan' && !planFile && flags['auto-approve'] !== 'true' && json) {
    ui.diagnostic(
      plainError(
        'Plan file or auto-approve required',
        'Terraform cannot ask for interactive approval when -json is set. To run an apply operation, ' +
          'either set -auto-approve or provide a plan file.',
      ),
    );
    return 1;
  }
  const echo = process.env.PRENV_FAKE_TF_ECHO_ENV;
  if (echo) {
    ui.log(`provider debug: ${echo}=${process.env[echo] ?? ''}`);
    process.stderr.write(`provider debug: ${echo}=${process.env[echo] ?? ''}\n`);
  }

  const kind = injectedFailure(command);
  const early = kind && earlyDiagnostic(kind, { key, command });
  if (early) {
    ui.diagnostic(early);
    return 1;
  }
  const lock = await waitForLock(
    key,
    command === 'plan' ? 'OperationTypePlan' : 'OperationTypeApply',
    {
      timeoutMs: flags.lockTimeoutMs,
      pollMs: LOCK_POLL_MS,
      sleep: int.sleep,
      stopped: () => int.interrupted,
      onWait: () => ui.log('Acquiring state lock. This may take a few moments...'),
    },
  );
  if (!lock.ok) {
    ui.diagnostic(plainError('Error acquiring the state lock', lockErrorDetail(lock.holder)));
    return 1;
  }
  try {
    return await operate({ command, flags, key, kind, ui, int });
  } finally {
    releaseLock(key);
  }
}

async function operate({ command, flags, key, kind, ui, int }) {
  const target = targetOfKey(key);
  const saved = command === 'apply' && flags.positional[0];
  const savedPlan = saved ? JSON.parse(fs.readFileSync(saved, 'utf8')) : undefined;
  const vars = savedPlan ? savedPlan.vars : readVars(flags.varFiles);
  const echoVar = process.env.PRENV_FAKE_TF_ECHO_VAR;
  if (echoVar) ui.log(`provider debug: var.${echoVar}=${vars[echoVar] ?? ''}`);
  const state = readState(key);
  // A saved plan records the state it was made from; Terraform refuses it once that moved.
  const fingerprint = JSON.stringify(state.servers);
  if (savedPlan && savedPlan.fingerprint !== fingerprint) {
    ui.diagnostic(
      plainError(
        'Saved plan is stale',
        'The given plan file can no longer be applied because the state was changed by another operation after the plan was created.',
      ),
    );
    return 1;
  }
  for (const s of state.servers) {
    const hook = { resource: resourceObject(s.addr), id_key: 'id', id_value: s.attributes.id };
    ui.hook('refresh_start', `${s.addr}: Refreshing state... [id=${s.attributes.id}]`, hook);
    ui.hook('refresh_complete', `${s.addr}: Refresh complete [id=${s.attributes.id}]`, hook);
  }
  const destroying = command === 'destroy' || flags.destroy === 'true';
  const changes = diff(state.servers, destroying ? [] : desiredServers(target, vars));
  const failAt = kind ? failingChangeIndex(kind, changes) : -1;
  for (const c of changes) {
    ui.change('planned_change', `${c.addr}: Plan to ${c.action}`, {
      resource: resourceObject(c.addr),
      action: c.action,
    });
  }
  const n = counts(changes);
  if (command === 'plan' && failAt >= 0) {
    ui.diagnostic(resourceFailure(kind, changes[failAt]));
    return 1;
  }
  ui.summary(`Plan: ${n.add} to add, ${n.change} to change, ${n.remove} to destroy.`, {
    ...n,
    operation: 'plan',
  });
  if (command === 'plan' && flags.out) {
    fs.writeFileSync(flags.out, JSON.stringify({ vars, fingerprint }), { mode: 0o600 });
  }
  if (command === 'plan') return flags['detailed-exitcode'] === 'true' && changes.length ? 2 : 0;

  const delay = Number(process.env.PRENV_FAKE_TF_DELAY_MS ?? 0);
  const servers = new Map(state.servers.map((s) => [s.addr, s]));
  const done = { add: 0, change: 0, remove: 0 };
  let exitCode = 0;
  for (const [i, c] of changes.entries()) {
    if (int.interrupted) break;
    const [start, complete, errored, progressing] = VERBS[c.action];
    const resource = resourceObject(c.addr);
    const id = c.prev?.attributes.id;
    const started = Date.now();
    const elapsed = () => Math.floor((Date.now() - started) / 1000);
    ui.hook('apply_start', `${c.addr}: ${start}${id ? ` [id=${id}]` : ''}`, {
      resource,
      action: c.action,
      ...(id ? { id_key: 'id', id_value: id } : {}),
    });
    await int.sleep(delay / 2);
    if (!int.interrupted && delay > 0) {
      ui.hook('apply_progress', `${c.addr}: Still ${progressing}... [${elapsed()}s elapsed]`, {
        resource,
        action: c.action,
        elapsed_seconds: elapsed(),
      });
    }
    await int.sleep(delay / 2);
    if (int.interrupted || i === failAt) {
      ui.hook('apply_errored', `${c.addr}: ${errored} after ${elapsed()}s`, {
        resource,
        action: c.action,
        elapsed_seconds: elapsed(),
      });
      ui.diagnostic(int.interrupted ? plainError('execution halted') : resourceFailure(kind, c));
      exitCode = 1;
      break;
    }
    if (c.action === 'delete') servers.delete(c.addr);
    else servers.set(c.addr, c.next);
    done[{ create: 'add', update: 'change', delete: 'remove' }[c.action]] += 1;
    const newId = c.next?.attributes.id ?? id;
    ui.hook(
      'apply_complete',
      `${c.addr}: ${complete} after ${elapsed()}s${c.action === 'delete' ? '' : ` [id=${newId}]`}`,
      {
        resource,
        action: c.action,
        ...(c.action === 'delete' ? {} : { id_key: 'id', id_value: newId }),
        elapsed_seconds: elapsed(),
      },
    );
  }
  const remaining = [...servers.values()];
  const outputs = outputsOf(target, remaining, vars);
  writeState(key, { ...state, servers: remaining, outputs });
  if (exitCode !== 0) return exitCode;
  if (command === 'destroy') {
    ui.summary(`Destroy complete! Resources: ${done.remove} destroyed.`, {
      ...done,
      operation: 'destroy',
    });
  } else {
    ui.summary(
      `Apply complete! Resources: ${done.add} added, ${done.change} changed, ${done.remove} destroyed.`,
      {
        ...done,
        operation: 'apply',
      },
    );
    ui.outputs(outputs);
  }
  return 0;
}
