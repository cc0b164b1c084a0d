import { parse } from '@cdktf/hcl2json';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../bot/config/load.js';
import type { Config } from '../../bot/config/config.js';
import type { EnvContext } from '../../generators/env-context.js';
import { renderEnvironment } from '../../generators/render-environment.js';
import { EXAMPLES, exampleConfig, repoTemplates } from './render-support.js';

/*
 * Nomad compares a task's combined job, group and task meta (scheduler `tasksUpdated`): any
 * change there is a destructive update that restarts the task. Two deploys of different
 * commits must therefore leave every group that does not use the commit byte-for-byte the
 * same, the stateful ones (with volumes) above all, and keep job-level fields unchanged.
 */

type Json = Record<string, unknown>;

async function serviceJob(config: Config, ctx: EnvContext): Promise<Json> {
  const templates = await repoTemplates();
  const file = renderEnvironment(config, ctx, templates).find((f) => f.kind === 'nomad-job')!;
  const parsed = (await parse(file.path, file.content)) as { job: Record<string, Json[]> };
  return Object.values(parsed.job)[0]![0]!;
}

const groupsOf = (job: Json): Record<string, Json> =>
  Object.fromEntries(
    Object.entries(job.group as Record<string, Json[]>).map(([name, list]) => [name, list[0]!]),
  );

const contexts = (sha: string): EnvContext[] => [
  { kind: 'production', sha },
  { kind: 'staging', sha },
  { kind: 'pr', number: 7, sha, branch: `b-${sha}`, title: `t-${sha}` },
];

describe('a deploy changes only the groups that use the commit', () => {
  const cases = EXAMPLES.flatMap((example) =>
    [0, 1, 2].map((i) => [example, contexts('aaaaaaa')[i]!.kind, i] as const),
  );

  it.each(cases)('%s %s', async (example, _kind, i) => {
    const config = exampleConfig(example);
    const before = await serviceJob(config, contexts('aaaaaaa')[i]!);
    const after = await serviceJob(config, contexts('bbbbbbb')[i]!);

    const { group: _g1, ...jobBefore } = before;
    const { group: _g2, ...jobAfter } = after;
    expect(jobAfter, 'job-level fields (meta, update, placement)').toEqual(jobBefore);

    const groupsBefore = groupsOf(before);
    const groupsAfter = groupsOf(after);
    let stateful = 0;
    for (const [name, svc] of Object.entries(config.services)) {
      const usesSha = JSON.stringify(svc).includes('{{sha}}');
      if (usesSha) {
        expect(groupsAfter[name], `${name} uses {{sha}} and must change`).not.toEqual(
          groupsBefore[name],
        );
      } else {
        expect(groupsAfter[name], `${name} does not use {{sha}}`).toEqual(groupsBefore[name]);
      }
      if (svc.volumes.length > 0 && !usesSha) stateful += 1;
    }
    if (example !== 'aipacto') expect(stateful).toBeGreaterThan(0);
  });

  it('pins every group and periodic job with a volume to the storage node', async () => {
    const config = exampleConfig('leap');
    const templates = await repoTemplates();
    for (const kind of ['production', 'staging'] as const) {
      const files = renderEnvironment(config, { kind, sha: 'aaaaaaa' }, templates);
      for (const file of files.filter((f) => f.kind === 'nomad-job')) {
        const parsed = (await parse(file.path, file.content)) as { job: Record<string, Json[]> };
        const job = Object.values(parsed.job)[0]![0]!;
        for (const [name, group] of Object.entries(groupsOf(job))) {
          const constraint = (group.constraint as Json[] | undefined)?.[0];
          if (group.volume) {
            expect(constraint, `${file.path} ${name}`).toEqual({
              attribute: '${node.unique.name}',
              value: `leap-${kind}-server-1`,
            });
          } else {
            expect(constraint, `${file.path} ${name}`).toBeUndefined();
          }
        }
      }
    }
  });

  it('refuses a storage node that the environment does not have', async () => {
    const text = readFileSync('examples/leap/prenv.yml', 'utf8').replace(
      'storage: { stateful: pinned, node: 1 }',
      'storage: { stateful: pinned, node: 2 }',
    );
    const result = parseConfig(text, 'prenv.yml');
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).toContain('storage.node');
    expect(JSON.stringify(result)).toContain('staging, which has 1 server');
  });
});
