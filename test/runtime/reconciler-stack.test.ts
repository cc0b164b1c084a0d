import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../bot/config/load.js';
import { silentLogger } from '../../bot/core/logger.js';
import { planContext } from '../../bot/core/plan-context.js';
import { slotsUsed } from '../../bot/core/slots.js';
import { createCaddyAdminClient } from '../../bot/adapters/caddy/admin-client.js';
import { createHetznerClient } from '../../bot/adapters/hetzner/index.js';
import { createNomadClient } from '../../bot/adapters/nomad/index.js';
import { openSqliteStore } from '../../bot/adapters/store/sqlite-store.js';
import type { StateStore } from '../../bot/adapters/store/state-store.js';
import { createTerraformRunner } from '../../bot/adapters/terraform/index.js';
import { Engine } from '../../bot/runtime/engine.js';
import { terraformStateProbe } from '../../bot/runtime/reconcile-cleanup.js';
import { Reconciler } from '../../bot/runtime/reconciler.js';
import { MemoryGitHub } from '../fakes/github/memory-github.js';
import { simulatedCloudServers } from '../fakes/hetzner-api/cloud-source.js';
import { startFakeHetzner, type FakeHetzner } from '../fakes/hetzner-api/server.js';
import { FAKE_TERRAFORM, startLocalStack, type LocalStack } from '../support/local-stack.js';
import { repoRoot } from '../support/tools.js';
import { pull } from './harness.js';

const CAP = 2;
const HOUR = 3_600_000;
const TOKEN = 'hcloud-reconciler-test-token';
let stack: LocalStack;
let hetzner: FakeHetzner;
let store: StateStore;
let engine: Engine;
let reconciler: Reconciler;
const github = new MemoryGitHub();
const slotLog: number[] = [];
let offset = 0;

const caddyAdmin = () =>
  createCaddyAdminClient({ baseUrl: stack.caddy.adminUrl, fetch, server: stack.caddy.serverName });
const open = (n: number, extra = {}) => github.pulls.set(n, { ...pull(n, `${n}aaaaaa`), ...extra });
const world = async () => (await store.loadWorld()).world;

beforeAll(async () => {
  const file = path.join(repoRoot, 'examples/aipacto/prenv.yml');
  stack = await startLocalStack(loadConfigOrThrow(readFileSync(file, 'utf8'), file));
  hetzner = await startFakeHetzner({
    token: TOKEN,
    source: simulatedCloudServers(stack.cloud, stack.config.project),
  });
  const dir = mkdtempSync(path.join(tmpdir(), 'prenv-reconciler-'));
  store = openSqliteStore(path.join(dir, 'state.db'));
  const context = () =>
    planContext({
      now: Date.now() + offset,
      cap: CAP,
      ttlMs: HOUR,
      previewUrl: (pr) => `https://pr-${pr}.pr.aipacto.com`,
    });
  engine = new Engine({
    store,
    github,
    ops: stack.ops,
    logger: silentLogger,
    context,
    onWorld: (w) => slotLog.push(slotsUsed(Object.values(w.envs))),
  });
  mkdirSync(path.join(dir, 'tf'));
  const terraform = createTerraformRunner({
    bin: FAKE_TERRAFORM,
    env: { PATH: process.env.PATH, PRENV_FAKE_TF_STATE_DIR: stack.stateDir },
  });
  reconciler = new Reconciler({
    project: stack.config.project,
    github,
    store,
    nomad: createNomadClient({ baseUrl: stack.nomad.url, fetch }),
    caddy: caddyAdmin(),
    hetzner: createHetznerClient({ baseUrl: hetzner.url, token: TOKEN, fetch }),
    hasTerraformState: terraformStateProbe(terraform, path.join(dir, 'tf')),
    ops: stack.ops,
    engine,
    context,
    logger: silentLogger,
  });
}, 60_000);

afterAll(async () => {
  await engine?.stop();
  await store?.close();
  await hetzner?.close();
  await stack?.stop();
});

async function pass(dryRun = false) {
  const outcome = await reconciler.run({ dryRun });
  expect(outcome.warnings).toEqual([]);
  await engine.idle();
  return outcome;
}

describe('the reconciler against the local stack', { timeout: 120_000 }, () => {
  it('starts envs for open PRs it never heard of, within the cap', async () => {
    [7, 8, 9].forEach((n) => open(n));
    const outcome = await pass();
    expect(outcome.plan.findings.map((f) => [f.env, f.kind])).toEqual([
      ['pr-7', 'lost_open'],
      ['pr-8', 'lost_open'],
      ['pr-9', 'lost_open'],
    ]);
    const w = await world();
    expect([w.envs[7]?.phase, w.envs[8]?.phase, w.envs[9]?.phase]).toEqual([
      'live',
      'live',
      'queued',
    ]);
    expect(await stack.cloud.servers()).toEqual([7, 8]);
    expect((await stack.get('pr-7.pr.aipacto.com', '/')).status).toBe(200);
  });

  it('destroys the env of a PR closed without a webhook, and the queued one starts', async () => {
    open(7, { state: 'closed' });
    const outcome = await pass();
    expect(outcome.plan.findings.map((f) => [f.env, f.kind])).toEqual([['pr-7', 'lost_close']]);
    await engine.idle();
    const w = await world();
    expect([w.envs[7]?.phase, w.envs[9]?.phase]).toEqual(['absent', 'live']);
    expect(await stack.cloud.servers()).toEqual([8, 9]);
    expect((await stack.get('pr-7.pr.aipacto.com', '/')).status).toBe(404);
  });

  it('lists a stray server and an unrecorded Terraform state on a dry run, then removes them', async () => {
    const stray = hetzner.addStray({
      name: 'pr-99-aipacto-client-1',
      labels: { project: 'aipacto', environment: 'pr', pr: '99', 'managed-by': 'prenv' },
    });
    hetzner.addStray({
      name: 'someone-else',
      labels: { project: 'other', environment: 'pr', pr: '5' },
    });
    await stack.ops.provision(98, { signal: new AbortController().signal, step: () => {} });
    expect(await stack.cloud.servers()).toEqual([8, 9, 98]);

    const dry = await pass(true);
    expect(dry.plan.findings.map((f) => [f.env, f.kind, f.cleanup[0]?.what])).toEqual([
      ['pr-98', 'orphan', ['server', 'terraform_state']],
      ['pr-99', 'orphan', ['server']],
    ]);
    expect([dry.cleanups, dry.fed, hetzner.deleted]).toEqual([[], 0, []]);
    expect(await stack.cloud.servers()).toEqual([8, 9, 98]);

    const real = await pass();
    expect(real.cleanups.map((c) => [c.pr, c.error])).toEqual([
      [98, null],
      [99, null],
    ]);
    expect(await stack.cloud.servers()).toEqual([8, 9]);
    expect(hetzner.deleted).toEqual([stray]);
    expect((await hetzner.servers()).map((s) => s.name).sort()).toEqual([
      'pr-8-aipacto-client-1',
      'pr-9-aipacto-client-1',
      'someone-else',
    ]);
    expect((await world()).envs[98]).toBeUndefined();
  });

  it('puts back the route of a live env that Caddy lost (restart without --resume)', async () => {
    expect(await caddyAdmin().removeRoute('pr-8')).toBe('removed');
    expect((await stack.get('pr-8.pr.aipacto.com', '/')).status).toBe(404);
    const outcome = await pass();
    expect(outcome.plan.findings.map((f) => [f.env, f.kind])).toEqual([['pr-8', 'lost_route']]);
    expect((await stack.get('pr-8.pr.aipacto.com', '/')).status).toBe(200);
    expect((await world()).envs[8]?.phase).toBe('live');
    expect((await pass()).plan.findings).toEqual([]);
  });

  it('destroys idle envs once their TTL has passed, and does not restart them', async () => {
    offset = 2 * HOUR;
    const outcome = await pass();
    expect(outcome.plan.findings).toEqual([]);
    const w = await world();
    expect([w.envs[8]?.phase, w.envs[9]?.phase]).toEqual(['absent', 'absent']);
    expect(w.envs[8]?.manualOverride?.reason).toBe('idle_ttl');
    expect(await stack.cloud.servers()).toEqual([]);
    expect((await pass()).plan.findings).toEqual([]);
  });

  it('never held more slots than the cap', () => {
    expect(slotLog.length).toBeGreaterThan(10);
    expect(Math.max(...slotLog)).toBeLessThanOrEqual(CAP);
    expect(Math.max(...slotLog)).toBe(CAP);
  });
});
