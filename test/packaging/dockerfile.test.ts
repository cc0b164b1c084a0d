import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DockerfileParser, type Copy, type Instruction } from 'dockerfile-ast';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import {
  meetsTerraformConstraint,
  readRequiredVersions,
} from '../../bot/adapters/terraform/required-version.js';
import { repoRoot } from '../support/tools.js';

const dockerfile = DockerfileParser.parse(readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8'));

interface Stage {
  name: string | null;
  image: string;
  instructions: Instruction[];
}

/** Instructions grouped by FROM, with the ARG defaults of the global scope and every stage. */
function stages(): Stage[] {
  const out: Stage[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword();
    if (keyword === 'FROM') {
      const args = instruction.getArguments().map((a) => a.getValue());
      out.push({ image: args[0]!, name: args[2] ?? null, instructions: [] });
    } else out.at(-1)?.instructions.push(instruction);
  }
  return out;
}

const all = stages();
const final = all.at(-1)!;
const stage = (name: string) => all.find((s) => s.name === name)!;
const of = (s: Stage, keyword: string) => s.instructions.filter((i) => i.getKeyword() === keyword);
const text = (i: Instruction) => i.getArgumentsContent() ?? '';
const argDefault = (name: string) =>
  dockerfile
    .getInstructions()
    .filter((i) => i.getKeyword() === 'ARG')
    .map((i) => text(i).split('='))
    .find(([key]) => key === name)?.[1];
const copyFrom = (s: Stage) =>
  of(s, 'COPY').map((c) => {
    const flags = (c as Copy).getFlags();
    const from = flags.find((f) => f.getName() === 'from')?.getValue() ?? null;
    const parts = c.getArguments().map((a) => a.getValue());
    return { from, sources: parts.slice(0, -1), dest: parts.at(-1)! };
  });

describe('Dockerfile', () => {
  it('is multi-stage: build, terraform, and a final stage that only copies results', () => {
    expect(all.map((s) => s.name)).toEqual(['build', 'terraform', null]);
    expect(of(final, 'RUN').map(text).join('\n')).not.toMatch(/\b(npm|npx|tsc|curl)\b/);
  });

  it('runs as a user that is not root', () => {
    const users = of(final, 'USER').map(text);
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
    // Nothing after USER switches back.
    const last = final.instructions.map((i) => i.getKeyword()).lastIndexOf('USER');
    expect(final.instructions.slice(last + 1).map((i) => i.getKeyword())).not.toContain('RUN');
  });

  it('has a HEALTHCHECK that asks the bot its /healthz', () => {
    const [check] = of(final, 'HEALTHCHECK');
    expect(check).toBeDefined();
    expect(text(check!)).toMatch(/CMD \[.*http:\/\/127\.0\.0\.1:8080\/healthz/);
    expect(readFileSync(path.join(repoRoot, 'bot/server/http-server.ts'), 'utf8')).toMatch(
      /'\/healthz': \{\s*GET:/,
    );
    expect(of(final, 'EXPOSE').map(text)).toEqual(['8080']);
    expect(of(final, 'CMD').map(text).join()).toContain('"--port", "8080"');
  });

  it('runs the compiled dist/, not TypeScript, with production dependencies only', () => {
    const build = stage('build');
    const runs = of(build, 'RUN').map(text).join('\n');
    expect(runs).toMatch(/tsc -p tsconfig\.build\.json/);
    expect(runs).toMatch(/npm ci\b/);
    // The node_modules copied out are pruned after the compile.
    expect(runs.indexOf('npm prune --omit=dev')).toBeGreaterThan(runs.indexOf('tsc -p'));
    const copies = copyFrom(final);
    expect(copies).toContainEqual({ from: 'build', sources: ['/src/dist'], dest: 'dist' });
    expect(copies).toContainEqual({
      from: 'build',
      sources: ['/src/node_modules'],
      dest: 'node_modules',
    });
    const fromContext = copies.filter((c) => c.from === null).flatMap((c) => c.sources);
    expect(fromContext).not.toContain('bot');
    expect(fromContext).not.toContain('node_modules');
    for (const source of fromContext) expect(existsSync(path.join(repoRoot, source))).toBe(true);
    expect(of(final, 'ENTRYPOINT').map(text)).toEqual(['["node", "/app/bin/prenv.js"]']);
    expect(readFileSync(path.join(repoRoot, 'bin/prenv.js'), 'utf8')).toContain(
      "'../dist/bot/cli/main.js'",
    );
    const ignored = readFileSync(path.join(repoRoot, '.dockerignore'), 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.git', 'test']));
  });

  it('builds on a Node that package.json accepts', () => {
    const engines = (
      JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
        engines: { node: string };
      }
    ).engines.node;
    expect(semver.satisfies(argDefault('NODE_VERSION')!, engines)).toBe(true);
  });

  it('includes a pinned Terraform, checksum-verified, that meets every module', async () => {
    const tf = stage('terraform');
    const version = argDefault('TERRAFORM_VERSION')!;
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    for (const arch of ['AMD64', 'ARM64'])
      expect(argDefault(`TERRAFORM_SHA256_${arch}`)).toMatch(/^[0-9a-f]{64}$/);
    const script = of(tf, 'RUN').map(text).join('\n');
    expect(script).toContain('https://releases.hashicorp.com/terraform/${TERRAFORM_VERSION}/');
    expect(script).toMatch(/sha256sum -c -/);
    expect(script.indexOf('sha256sum -c')).toBeLessThan(script.indexOf('unzip -d'));
    expect(copyFrom(final)).toContainEqual({
      from: 'terraform',
      sources: ['/usr/local/bin/terraform'],
      dest: '/usr/local/bin/terraform',
    });
    const required = await readRequiredVersions(path.join(repoRoot, 'terraform'));
    expect(required.length).toBeGreaterThan(0);
    for (const r of required)
      expect([r.file, meetsTerraformConstraint(version, r.constraint)]).toEqual([r.file, true]);
    // The modules it runs are writable by the bot's user (lock file, TF_DATA_DIR).
    const chowned = of(final, 'COPY').find((c) => text(c) === 'terraform terraform') as Copy;
    expect(chowned.getFlags().map((f) => [f.getName(), f.getValue()])).toEqual([
      ['chown', 'node:node'],
    ]);
  });

  it('keeps its state where the Nomad job mounts the host volume', () => {
    expect(of(final, 'ENV').map(text).join('\n')).toContain('PRENV_STATE=/var/lib/prenv/state.db');
  });
});
