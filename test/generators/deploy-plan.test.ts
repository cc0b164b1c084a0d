import { describe, expect, it } from 'vitest';
import {
  deployPlan,
  describeStep,
  destroyPlan,
  provisionPlan,
  type DeployStep,
} from '../../generators/deploy-plan.js';
import type { EnvContext } from '../../generators/env-context.js';
import { RenderError } from '../../generators/errors.js';
import { configFromYaml, EXAMPLES, exampleConfig, repoTemplates, SHA } from './render-support.js';

const ENVS: Record<'production' | 'staging' | 'pr', EnvContext> = {
  production: { kind: 'production', sha: SHA },
  staging: { kind: 'staging', sha: SHA },
  pr: { kind: 'pr', number: 7, sha: SHA, branch: 'feature/login', title: 'Add the login page' },
};

const RELEASE = ['submit-job…', 'caddy-route', 'wait-healthy…', 'probe'];
/** Production and staging always converge through Terraform, behind the server gate. */
const CLUSTER = ['check-jobs', 'terraform-apply', 'wait-cluster-nodes', ...RELEASE];
const PR_RELEASE = ['check-jobs', 'wait-preview-node', ...RELEASE];

/** The order every deploy follows, as the kinds of its steps (`kind…`: one or more in a row). */
const SHAPES: Record<string, string[]> = {
  'production exists': CLUSTER,
  'production new': CLUSTER,
  'staging exists': CLUSTER,
  'staging new': CLUSTER,
  'pr exists': PR_RELEASE,
  'pr new': ['terraform-apply', ...PR_RELEASE],
};

const REPEATED = new Set(['submit-job', 'wait-healthy']);

/** Writes a run of job submissions or health checks as `kind…`, the way SHAPES does. */
function shape(steps: DeployStep[]): string[] {
  const out: string[] = [];
  for (const step of steps) {
    const kind = REPEATED.has(step.kind) ? `${step.kind}…` : step.kind;
    if (out.at(-1) !== kind || !REPEATED.has(step.kind)) out.push(kind);
  }
  return out;
}

describe('deployPlan', () => {
  const cases = EXAMPLES.flatMap((example) =>
    (['production', 'staging', 'pr'] as const).flatMap((env) =>
      [true, false].map((exists) => [example, env, exists] as const),
    ),
  );

  it.each(cases)(
    '%s %s (exists: %s) has the steps of its kind, in order',
    async (example, env, exists) => {
      const config = exampleConfig(example);
      const plan = deployPlan({
        config,
        templates: await repoTemplates(),
        env: ENVS[env],
        exists,
        checks: { health: true, probe: true },
      });
      expect(shape(plan.steps)).toEqual(SHAPES[`${env} ${exists ? 'exists' : 'new'}`]);
      expect(plan.env).toBe(env === 'pr' ? 'pr-7' : env);
      expect(plan.command).toBe('deploy');

      // Every job file checked is then submitted, in the same order, and they are the env's own.
      const checked = plan.steps.find((s) => s.kind === 'check-jobs')!;
      const submitted = plan.steps.filter((s) => s.kind === 'submit-job');
      expect(checked.kind === 'check-jobs' && checked.files).toEqual(submitted.map((s) => s.file));
      for (const s of submitted)
        expect(s.file.path).toMatch(new RegExp(`^${example}-${plan.env}[.-]`));

      const terraform = plan.steps.find((s) => s.kind === 'terraform-apply');
      if (terraform) {
        // Only production and staging go through the saved plan and the server gate.
        expect(terraform.gate).toBe(env !== 'pr');
        expect(terraform.target).toEqual(
          env === 'pr' ? { environment: 'pr', pr: 7 } : { environment: env },
        );
        expect(terraform.vars).toMatchObject({ project: config.project });
      }

      const route = plan.steps.find((s) => s.kind === 'caddy-route');
      expect(route).toMatchObject({ name: plan.env, mode: env === 'pr' ? 'add' : 'load' });
      expect(route?.kind === 'caddy-route' && route.route['@id']).toBe(`prenv-${plan.env}`);

      const healthy = plan.steps.flatMap((s) => (s.kind === 'wait-healthy' ? [s.service] : []));
      const expected = Object.entries(config.services)
        .filter(([, svc]) => svc.port !== undefined && svc.count[env] > 0)
        .map(([name]) => `${example}-${plan.env}-${name}`);
      expect(healthy).toEqual(expected);
      expect(plan.steps.at(-1)).toMatchObject({ kind: 'probe', host: new URL(plan.url).host });
    },
  );

  it('is the same plan every time: no clock, no randomness, no I/O', async () => {
    const input = {
      config: exampleConfig('leap'),
      templates: await repoTemplates(),
      env: ENVS.production,
      exists: true,
      checks: { health: true, probe: true },
    };
    expect(deployPlan(input)).toEqual(deployPlan(input));
  });

  it('reads aipacto production as one line a step', async () => {
    const plan = deployPlan({
      config: exampleConfig('aipacto'),
      templates: await repoTemplates(),
      env: ENVS.production,
      exists: true,
      checks: { health: true, probe: true },
    });
    expect(plan.url).toBe('https://aipacto.com');
    expect(plan.steps.map(describeStep)).toEqual([
      'check aipacto-production.nomad.hcl',
      'terraform apply production (saved plan, server changes refused)',
      'wait for the production nodes in Nomad',
      'submit aipacto-production.nomad.hcl',
      'load the Caddy route prenv-production',
      'wait for aipacto-production-server to pass its health check',
      'wait for aipacto-production-web to pass its health check',
      'request aipacto.com through Caddy',
    ]);
  });

  it('leaves out the checks the runner cannot make', async () => {
    const plan = deployPlan({
      config: exampleConfig('quetrex'),
      templates: await repoTemplates(),
      env: ENVS.staging,
      exists: true,
      checks: { health: false, probe: false },
    });
    expect(shape(plan.steps)).toEqual([
      'check-jobs',
      'terraform-apply',
      'wait-cluster-nodes',
      'submit-job…',
      'caddy-route',
    ]);
  });

  it('skips the health check of a service a PR runs none of', async () => {
    const config = configFromYaml(`
project: shop
github: { owner: acme, repo: shop }
domain: shop.example.com
previews: { host: 'pr-{{number}}.pr.shop.example.com' }
environments:
  production: { host: shop.example.com, servers: 3 }
  staging: { host: staging.shop.example.com, servers: 1 }
services:
  web:
    image: 'ghcr.io/acme/shop:{{sha}}'
    port: 3000
    route: { path: / }
  worker:
    image: 'ghcr.io/acme/shop:{{sha}}'
    port: 4000
    count: { pr: 0 }
`);
    const templates = await repoTemplates();
    const services = (env: EnvContext) =>
      deployPlan({
        config,
        templates,
        env,
        exists: true,
        checks: { health: true, probe: false },
      }).steps.flatMap((s) => (s.kind === 'wait-healthy' ? [s.service] : []));
    expect(services(ENVS.pr)).toEqual(['shop-pr-7-web']);
    expect(services(ENVS.production)).toEqual(['shop-production-web', 'shop-production-worker']);
  });

  it('throws the render problems before any step runs', async () => {
    const config = exampleConfig('aipacto');
    expect(() =>
      deployPlan({
        config,
        templates: { nomad: {}, caddy: {} } as never,
        env: { kind: 'production', sha: 'not a sha' },
        exists: true,
        checks: { health: true, probe: true },
      }),
    ).toThrow(RenderError);
  });
});

describe('provisionPlan and destroyPlan', () => {
  it.each(Object.entries(ENVS))('%s destroys route, then jobs, then servers', (_, env) => {
    const config = exampleConfig('aipacto');
    const plan = destroyPlan(config, env);
    expect(plan.command).toBe('destroy');
    expect(plan.steps.map((s) => s.kind)).toEqual([
      'remove-route',
      'stop-jobs',
      'terraform-destroy',
    ]);
    expect(plan.steps.map(describeStep)[1]).toBe(`stop the Nomad jobs of ${plan.env}`);
  });

  it('provisions a PR with its Terraform step alone, without a commit', () => {
    const plan = provisionPlan(exampleConfig('aipacto'), { kind: 'pr', number: 12 });
    expect(plan.steps).toHaveLength(1);
    expect(plan.steps[0]).toMatchObject({
      kind: 'terraform-apply',
      target: { environment: 'pr', pr: 12 },
      gate: false,
    });
  });
});
