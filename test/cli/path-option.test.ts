import { copyFileSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';
import { repoRoot } from '../support/tools.js';

/** Every flag that names where prenv writes; an empty value must not mean "here". */
const COMMANDS: [string, string[]][] = [
  ['render production', ['render', 'production', '--sha', 'a'.repeat(40)]],
  ['render pr', ['render', 'pr', '7', '--sha', 'a'.repeat(40)]],
  ['render bot', ['render', 'bot', '--image', 'ghcr.io/acme/prenv:1']],
  ['init', ['init', '--from-compose', 'docker-compose.yml', '--force']],
  ['app create', ['app', 'create', '--print', 'none']],
];

describe('a path flag given an empty value', () => {
  for (const [name, args] of COMMANDS) {
    it.each(['', ' '])(`${name} --out %j is a usage error and writes nothing`, async (value) => {
      const dir = mkdtempSync(path.join(tmpdir(), 'prenv-out-'));
      copyFileSync(path.join(repoRoot, 'examples/quetrex/prenv.yml'), path.join(dir, 'prenv.yml'));
      copyFileSync(
        path.join(repoRoot, 'examples/quetrex/docker-compose.yml'),
        path.join(dir, 'docker-compose.yml'),
      );
      const run = await runCli([...args, '--out', value], { cwd: dir });
      expect(run.stderr).toContain(
        `--out needs a path, got ${JSON.stringify(value)}; leave the flag out to use the default`,
      );
      expect(run.code).toBe(2);
      expect(readdirSync(dir).sort()).toEqual(['docker-compose.yml', 'prenv.yml']);
    });
  }
});
