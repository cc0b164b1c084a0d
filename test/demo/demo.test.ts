import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/tools.js';

describe('npm run demo', () => {
  it('replays a PR life cycle against the simulated cloud and prints the PR transcript', async () => {
    const result = await execa(
      'node',
      ['--import', 'tsx', path.join(repoRoot, 'scripts/demo.ts')],
      {
        cwd: repoRoot,
        reject: false,
        timeout: 90_000,
      },
    );
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const lines = result.stdout.split('\n');
    const probes = lines.filter((l) => l.includes('through Caddy →')).map((l) => l.trim());
    expect(probes).toEqual([
      'GET http://pr-7.pr.aipacto.com/ through Caddy → 200 "aipacto-pr-7-web 3f2c9a1e5b7d4c0a9e8f6b2d1c3a5e7f9b0d2c4e"',
      'GET http://pr-7.pr.aipacto.com/ through Caddy → 200 "aipacto-pr-7-web 8d41e07c2b9a6f3e1d5c7b9a0e2f4d6c8b1a3e5f"',
      'GET http://pr-7.pr.aipacto.com/ through Caddy → 200 "aipacto-pr-7-web 8d41e07c2b9a6f3e1d5c7b9a0e2f4d6c8b1a3e5f"',
      'GET http://pr-7.pr.aipacto.com/ through Caddy → 404 "no preview environment here"',
    ]);
    expect(result.stdout).toContain('the cloud is SIMULATED');
    expect(result.stdout).toContain('sticky comment: Preview `pr-7`: 🔧 creating the server');
    expect(result.stdout).toContain('Reactions on commands: eyes');
    expect(result.stdout).toContain('Servers left in the simulated cloud: 0');
    expect(result.stdout).not.toContain('demo-token');
  }, 120_000);
});
