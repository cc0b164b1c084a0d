import { describe, expect, it } from 'vitest';
import type { CaddyAdminClient } from '../../bot/adapters/caddy/admin-client.js';
import type { NomadApi } from '../../bot/adapters/nomad/index.js';
import { loadJobspecSchema } from '../../bot/adapters/nomad/jobspec-schema-file.js';
import type { TerraformRunner } from '../../bot/adapters/terraform/index.js';
import { executePlan, type ExecutorDeps } from '../../bot/runtime/deploy-executor.js';
import { destroyPlan, type DeployPlan } from '../../generators/deploy-plan.js';
import { exampleConfig } from '../generators/render-support.js';

/*
 * The executor's own rules, apart from what the deploy tests show end to end (test/cli/deploy-*):
 * it stops between steps once the run is cancelled, starts where it is told, adds a PR's facts
 * from production to the plan's Terraform variables, and names a step it cannot run.
 */

const config = exampleConfig('aipacto');

function recordingDeps(onRemoveRoute: () => void = () => undefined) {
  const calls: string[] = [];
  const deps: ExecutorDeps = {
    config,
    schema: loadJobspecSchema(),
    terraform: {
      init: async () => void calls.push('terraform init'),
      destroy: async (_t: unknown, vars: Record<string, unknown>) => {
        calls.push(
          `terraform destroy network_id=${String(vars.network_id)} pr=${String(vars.pr_number)}`,
        );
        return { outputs: {} };
      },
    } as unknown as TerraformRunner,
    terraformDir: '/nowhere',
    productionFacts: async () => ({ network_id: '42' }),
    nomad: {
      listJobs: async () => {
        calls.push('nomad list');
        return [];
      },
    } as unknown as NomadApi,
    caddy: {
      removeRoute: async (name: string) => {
        calls.push(`caddy remove ${name}`);
        onRemoveRoute();
        return 'removed';
      },
    } as unknown as CaddyAdminClient,
    owner: { pr: 7 },
    timeouts: {
      terraformMs: 1_000,
      nodesMs: 1_000,
      deploymentMs: 1_000,
      healthMs: 1_000,
      answerMs: 1_000,
    },
    poll: { nodeMs: 10, deploymentMs: 10, answerMs: 10 },
  };
  return { deps, calls };
}

const quiet = { step: () => undefined, note: () => undefined };

describe('executePlan', () => {
  it('stops before the next step once the run is cancelled', async () => {
    const controller = new AbortController();
    const { deps, calls } = recordingDeps(() => controller.abort());
    const steps: string[] = [];
    const run = executePlan(destroyPlan(config, { kind: 'pr', number: 7 }), deps, {
      signal: controller.signal,
      step: (name) => steps.push(name),
      note: () => undefined,
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls).toEqual(['caddy remove pr-7']);
    expect(steps).toEqual(['removing the Caddy route']);
  });

  it('resumes at the step it is given, with production facts added to a PR plan', async () => {
    const { deps, calls } = recordingDeps();
    const plan = destroyPlan(config, { kind: 'pr', number: 7 });
    const result = await executePlan(plan, deps, quiet, { from: 2 });
    expect(calls).toEqual(['terraform init', 'terraform destroy network_id=42 pr=7']);
    expect(result.ran).toBe(1);
  });

  it('names the step that needs a client the runner was not given', async () => {
    const { deps } = recordingDeps();
    const plan: DeployPlan = {
      env: 'staging',
      command: 'deploy',
      url: 'https://staging.aipacto.com',
      steps: [{ kind: 'wait-healthy', service: 'aipacto-staging-web' }],
    };
    await expect(executePlan(plan, deps, quiet)).rejects.toThrow(
      'the wait-healthy step needs a Consul client, and none is set',
    );
  });
});
