import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateRendered } from '../../bot/adapters/render/render-and-validate.js';
import { loadJobspecSchema } from '../../bot/adapters/nomad/jobspec-schema-file.js';
import { renderEnvironment } from '../../generators/render-environment.js';
import { repoRoot, requireTool } from '../support/tools.js';
import { EXAMPLES, GOLDEN_CONTEXTS, exampleConfig, repoTemplates } from './render-support.js';

// UPDATE_GOLDEN=1 npx vitest run test/generators/golden.test.ts rewrites the golden files;
// review the diff like any other change.
const update = process.env.UPDATE_GOLDEN === '1';

describe.each(EXAMPLES)('golden output of examples/%s', (example) => {
  const config = exampleConfig(example);

  it.each(Object.keys(GOLDEN_CONTEXTS))('renders %s exactly as the golden files', async (env) => {
    const ctx = GOLDEN_CONTEXTS[env]!;
    const files = renderEnvironment(config, ctx, await repoTemplates());
    const dir = path.join(repoRoot, 'examples', example, 'golden', env);
    if (update) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      for (const f of files) writeFileSync(path.join(dir, f.path), f.content);
    }
    expect(existsSync(dir), `${dir} is missing; run with UPDATE_GOLDEN=1 once`).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(files.map((f) => f.path).sort());
    for (const f of files) {
      expect(f.content, `${example}/golden/${env}/${f.path}`).toBe(
        readFileSync(path.join(dir, f.path), 'utf8'),
      );
    }
  });

  it.each(Object.keys(GOLDEN_CONTEXTS))(
    'renders %s into files that pass HCL, the jobspec schema and caddy validate',
    async (env) => {
      const files = renderEnvironment(config, GOLDEN_CONTEXTS[env]!, await repoTemplates());
      const checks = await validateRendered(config, files, {
        schema: loadJobspecSchema(),
        caddyPath: requireTool('caddy'),
      });
      expect(checks.map((c) => [c.path, c.checks])).toEqual(
        files.map((f) => [
          f.path,
          f.kind === 'nomad-job'
            ? ['hcl', 'jobspec']
            : f.kind === 'caddyfile'
              ? ['caddy']
              : f.kind === 'caddy-route'
                ? ['json', 'caddy']
                : ['json'],
        ]),
      );
      expect(checks.flatMap((c) => c.errors)).toEqual([]);
      expect(checks.flatMap((c) => c.warnings)).toEqual([]);
    },
  );
});
