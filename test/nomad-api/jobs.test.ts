import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NomadApi } from '../../bot/adapters/nomad/index.js';
import {
  createNomadClient,
  isNomadError,
  listOwnedJobs,
  noRetry,
  NomadError,
  submitJob,
  summarizePlan,
  withOwnerMeta,
} from '../../bot/adapters/nomad/index.js';
import type { FakeNomad } from '../fakes/nomad-api/server.js';
import { startFakeNomad } from '../fakes/nomad-api/server.js';
import { previewJobHcl } from './fixtures.js';

const owner7 = { project: 'aipacto', env: 'pr-7', pr: 7, sha: '3f2c9a1' };

let nomad: FakeNomad;
let api: NomadApi;

beforeEach(async () => {
  nomad = await startFakeNomad();
  api = createNomadClient({ baseUrl: nomad.url, fetch, retry: noRetry });
});
afterEach(() => nomad.close());

async function caught(p: Promise<unknown>): Promise<NomadError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof NomadError)) throw new Error(`expected a NomadError, got ${String(err)}`);
  return err;
}

describe('parseJob', () => {
  it('posts JobHCL with Canonicalize and gets a bare API job back', async () => {
    const job = await api.parseJob(previewJobHcl({ pr: 7 }));
    expect(nomad.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: '/v1/jobs/parse',
      body: { JobHCL: expect.stringContaining('job "pr-7-web"'), Canonicalize: true },
    });
    expect(job).not.toHaveProperty('Job');
    expect(job).toMatchObject({
      ID: 'pr-7-web',
      Name: 'pr-7-web',
      NodePool: 'previews',
      Type: 'service',
    });
    expect(job.Constraints).toEqual([{ LTarget: '${meta.pr}', RTarget: '7', Operand: '=' }]);
    expect(job.TaskGroups?.[0]).toMatchObject({
      Count: 1,
      Services: [{ Checks: [{ Type: 'http', Interval: 10e9, Timeout: 2e9 }] }],
      Tasks: [{ Templates: [{ DestPath: 'secrets/app.env', Envvars: true }] }],
    });
    expect(job.Update).toMatchObject({
      MinHealthyTime: 10e9,
      HealthyDeadline: 180e9,
      MaxParallel: 1,
    });
  });

  it("turns an HCL syntax error into bad_request carrying Nomad's message", async () => {
    const err = await caught(api.parseJob('job "x" {\n  group "g" {\n    count = \n  }\n}'));
    expect(err.kind).toBe('bad_request');
    expect(err.status).toBe(400);
    expect(err.nomadText).toMatch(/^Failed to parse job: input\.hcl:\d+,\d+-(\d+,)?\d+: /);
  });

  it('rejects a name Nomad does not know, as jobspec2 does', async () => {
    const err = await caught(
      api.parseJob(
        'job "c" {\n  group "g" {\n    task "t" {\n      driver = "docker"\n      image = "nginx"\n    }\n  }\n}',
      ),
    );
    expect(err.kind).toBe('bad_request');
    expect(err.nomadText).toContain('An argument named "image" is not expected here');
  });
});

describe('plan and register', () => {
  it('plans a new job with a diff, then registers it with EnforceIndex 0', async () => {
    nomad.addNode({ pr: 7, nodePool: 'previews' });
    const job = await api.parseJob(previewJobHcl({ pr: 7 }));
    const plan = await api.planJob(job);
    expect(nomad.requests.at(-1)).toMatchObject({
      path: '/v1/job/pr-7-web/plan',
      body: { Diff: true },
    });
    expect(plan.JobModifyIndex).toBe(0);
    expect(plan.FailedTGAllocs).toBeNull();
    const summary = summarizePlan(plan);
    expect(summary.change).toBe('add');
    expect(summary.groups).toEqual([
      {
        name: 'web',
        change: 'add',
        count: { from: undefined, to: 1 },
        tasks: [{ name: 'server', change: 'add' }],
        updates: { create: 1 },
      },
    ]);
    expect(summary.text).toContain('+ group "web": add');

    const out = await api.registerJob(job, { enforceIndex: plan.JobModifyIndex });
    expect(nomad.requests.at(-1)?.body).toMatchObject({
      EnforceIndex: true,
      JobModifyIndex: 0,
      Job: { ID: 'pr-7-web' },
    });
    const stored = await api.readJob('pr-7-web');
    expect(stored?.JobModifyIndex).toBe(out.JobModifyIndex);
  });

  it('summarises an edit: count change and a changed task', async () => {
    nomad.addNode({ pr: 7, nodePool: 'previews' });
    const first = await api.parseJob(previewJobHcl({ pr: 7 }));
    await api.registerJob(first, { enforceIndex: 0 });
    const next = await api.parseJob(
      previewJobHcl({ pr: 7, count: 3, image: 'example/web:9d8e7f6' }),
    );
    const summary = summarizePlan(await api.planJob(next));
    expect(summary.change).toBe('edit');
    expect(summary.groups[0]).toMatchObject({
      change: 'edit',
      count: { from: 1, to: 3 },
      tasks: [{ name: 'server', change: 'edit' }],
      updates: { 'create/destroy update': 1, create: 2 },
    });
    expect(summary.text).toContain('count 1 → 3');
  });

  it('reports groups that cannot be placed when no preview node matches', async () => {
    const plan = await api.planJob(await api.parseJob(previewJobHcl({ pr: 8 })));
    const summary = summarizePlan(plan);
    expect(summary.unplaceable.map((u) => u.group)).toEqual(['web']);
    expect(summary.text).toContain('! group "web" cannot be placed');
  });

  it('refuses a register whose EnforceIndex is stale with a typed conflict', async () => {
    const job = await api.parseJob(previewJobHcl({ pr: 7 }));
    const first = await api.registerJob(job, { enforceIndex: 0 });
    const changed = { ...job, Meta: { note: 'someone else' } };
    await api.registerJob(changed, { enforceIndex: first.JobModifyIndex });

    const stale = await caught(api.registerJob(job, { enforceIndex: first.JobModifyIndex }));
    expect(stale.kind).toBe('conflict');
    expect(stale.status).toBe(500);
    expect(stale.currentIndex).toBeGreaterThan(first.JobModifyIndex);
    const exists = await caught(api.registerJob(job, { enforceIndex: 0 }));
    expect(exists.kind).toBe('conflict');
    expect(exists.nomadText).toBe('Enforcing job modify index 0: job already exists');
  });

  it('does not retry a conflict', async () => {
    const retrying = createNomadClient({
      baseUrl: nomad.url,
      fetch,
      retry: { baseMs: 0, maxMs: 0, maxAttempts: 3 },
    });
    const job = await retrying.parseJob(previewJobHcl({ pr: 7 }));
    await retrying.registerJob(job, { enforceIndex: 0 });
    const before = nomad.requests.length;
    await caught(retrying.registerJob(job, { enforceIndex: 0 }));
    expect(nomad.requests.length - before).toBe(1);
  });

  it('reads a missing job as null', async () => {
    expect(await api.readJob('nope')).toBeNull();
  });
});

describe('ownership', () => {
  it('submits, then resubmits its own job through read → plan → register', async () => {
    const job = await api.parseJob(previewJobHcl({ pr: 7 }));
    const first = await submitJob(api, job, owner7);
    expect(first.summary.change).toBe('add');
    const next = await api.parseJob(previewJobHcl({ pr: 7, image: 'example/web:9d8e7f6' }));
    const second = await submitJob(api, next, { ...owner7, sha: '9d8e7f6' });
    expect(second.plan.JobModifyIndex).toBe(first.registered.JobModifyIndex);
    // The commit never becomes job meta: Nomad would restart every task for it.
    expect((await api.readJob('pr-7-web'))?.Meta).toEqual({
      prenv_project: 'aipacto',
      prenv_env: 'pr-7',
      prenv_pr: '7',
    });
  });

  it('refuses to overwrite a job prenv does not own, and leaves it untouched', async () => {
    const job = await api.parseJob(previewJobHcl({ pr: 7 }));
    const foreign = await api.registerJob(job, { enforceIndex: 0 });
    const err = await caught(submitJob(api, job, owner7));
    expect(err.kind).toBe('not_owned');
    expect(err.message).toContain('pr-7-web');
    expect((await api.readJob('pr-7-web'))?.JobModifyIndex).toBe(foreign.JobModifyIndex);
    expect(
      nomad.requests.filter((r) => r.path.endsWith('/plan') || r.path === '/v1/jobs').length,
    ).toBe(1);
  });

  it('refuses a job owned by another env of the same project', async () => {
    const job = await api.parseJob(previewJobHcl({ pr: 7 }));
    await submitJob(api, job, { project: 'aipacto', env: 'staging' });
    expect((await caught(submitJob(api, job, owner7))).kind).toBe('not_owned');
  });

  it('lists only the jobs of a project and env, asking Nomad for stub meta', async () => {
    await submitJob(api, await api.parseJob(previewJobHcl({ pr: 7 })), owner7);
    await submitJob(api, await api.parseJob(previewJobHcl({ pr: 8 })), {
      project: 'aipacto',
      env: 'pr-8',
      pr: 8,
    });
    await api.registerJob(
      withOwnerMeta(await api.parseJob(previewJobHcl({ pr: 9 })), {
        project: 'other',
        env: 'pr-9',
      }),
    );
    const all = await listOwnedJobs(api, { project: 'aipacto' });
    expect(all.map((j) => j.ID)).toEqual(['pr-7-web', 'pr-8-web']);
    const one = await listOwnedJobs(api, { project: 'aipacto', env: 'pr-8' });
    expect(one.map((j) => j.ID)).toEqual(['pr-8-web']);
    expect(nomad.requests.at(-1)?.query).toMatchObject({ meta: 'true' });
  });
});

describe('stopJob', () => {
  it('purges a job and tolerates it being gone already', async () => {
    await api.registerJob(await api.parseJob(previewJobHcl({ pr: 7 })));
    expect(await api.stopJob('pr-7-web', { purge: true })).toEqual({ gone: 'stopped' });
    expect(nomad.requests.at(-1)).toMatchObject({
      method: 'DELETE',
      path: '/v1/job/pr-7-web',
      query: { purge: 'true' },
    });
    expect(await api.readJob('pr-7-web')).toBeNull();
    expect(await api.stopJob('pr-7-web', { purge: true })).toEqual({ gone: 'already_gone' });
  });

  it('treats a 404 from an older Nomad as already gone', async () => {
    const old = createNomadClient({
      baseUrl: 'http://nomad.invalid:4646',
      retry: noRetry,
      fetch: async () => new Response('job not found', { status: 404 }),
    });
    expect(await old.stopJob('pr-7-web', { purge: true })).toEqual({ gone: 'already_gone' });
  });
});

describe('the double decodes like Nomad', () => {
  it('matches request keys case-insensitively and drops unknown ones', async () => {
    const job = await api.parseJob(previewJobHcl({ pr: 7 }));
    const res = await fetch(`${nomad.url}/v1/jobs`, {
      method: 'POST',
      body: JSON.stringify({
        job: { ...job, id: job.ID, ID: undefined, Bogus: 1 },
        enforceindex: true,
        jobmodifyindex: 0,
      }),
    });
    expect(res.status).toBe(200);
    const stored = await api.readJob('pr-7-web');
    expect(stored).not.toHaveProperty('Bogus');
    expect(stored?.ID).toBe('pr-7-web');
    expect(isNomadError(await caught(api.registerJob(job, { enforceIndex: 0 })), 'conflict')).toBe(
      true,
    );
  });
});
