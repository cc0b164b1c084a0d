import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../bot/config/load.js';
import type { CaddyAdminClient } from '../../bot/adapters/caddy/admin-client.js';
import type { NomadApi } from '../../bot/adapters/nomad/index.js';
import { loadJobspecSchema } from '../../bot/adapters/nomad/jobspec-schema-file.js';
import type { TerraformRunner } from '../../bot/adapters/terraform/index.js';
import { loadTemplates } from '../../bot/adapters/templates/load-templates.js';
import { clusterOps } from '../../bot/runtime/cluster-ops.js';
import { ServerChangeRefused } from '../../bot/runtime/server-changes.js';
import { repoRoot } from '../support/tools.js';

/*
 * The server-change gate reads the plan; the apply must change exactly that plan. A second,
 * fresh `terraform apply` plans again and can resize or replace servers the gate never saw
 * (a tfvars edit, drift or another run in between). So the deploy saves the plan with -out
 * and applies that file, which Terraform refuses once the state has moved ("Saved plan is
 * stale"), and removes the file (it holds the variables) either way.
 */

const file = path.join(repoRoot, 'examples/aipacto/prenv.yml');
const config = loadConfigOrThrow(readFileSync(file, 'utf8'), file);

function recordingTerraform(resourceChanges: { address: string; action: string }[]) {
  const calls: { name: string; planFile?: string; existed?: boolean }[] = [];
  const terraform = {
    init: async () => undefined,
    plan: async (_t: unknown, _v: unknown, opts: { out?: string } = {}) => {
      calls.push({ name: 'plan', ...(opts.out ? { planFile: opts.out } : {}) });
      return { hasChanges: true, changes: { add: 0, change: 1, destroy: 0 }, resourceChanges };
    },
    apply: async () => {
      calls.push({ name: 'apply' });
      throw new Error('stop here');
    },
    applySaved: async (_t: unknown, planFile: string) => {
      calls.push({ name: 'applySaved', planFile, existed: true });
      throw new Error('stop here');
    },
  } as unknown as TerraformRunner;
  return { terraform, calls };
}

async function deploy(terraform: TerraformRunner, allowServerChanges: boolean) {
  const ops = clusterOps({
    config,
    templates: await loadTemplates(),
    schema: loadJobspecSchema(),
    terraform,
    terraformDir: repoRoot,
    nomad: {} as NomadApi,
    caddy: {} as CaddyAdminClient,
    pollMs: 20,
  });
  return ops
    .deploy(
      'production',
      'abc1234',
      { step: () => undefined, note: () => undefined },
      { allowServerChanges },
    )
    .then(
      () => null,
      (e: unknown) => e,
    );
}

describe('a deploy applies the plan its server-change gate read', () => {
  it('applies the saved plan file, never a fresh apply, and removes the file', async () => {
    const { terraform, calls } = recordingTerraform([
      { address: 'module.cluster.hcloud_server.server[0]', action: 'update' },
    ]);
    expect(String(await deploy(terraform, true))).toContain('stop here');
    expect(calls.map((c) => c.name)).toEqual(['plan', 'applySaved']);
    expect(calls[0]!.planFile).toBeDefined();
    expect(calls[1]!.planFile).toBe(calls[0]!.planFile);
    expect(existsSync(path.dirname(calls[0]!.planFile!))).toBe(false);
  });

  it('a refused plan is never applied, and its file is removed', async () => {
    const { terraform, calls } = recordingTerraform([
      { address: 'module.cluster.hcloud_server.server[0]', action: 'replace' },
    ]);
    expect(await deploy(terraform, false)).toBeInstanceOf(ServerChangeRefused);
    expect(calls.map((c) => c.name)).toEqual(['plan']);
    expect(existsSync(path.dirname(calls[0]!.planFile!))).toBe(false);
  });
});
