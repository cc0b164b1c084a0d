import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const args = ['--name', 'shop-prenv', '--webhook-url', 'https://prenv.example.com/webhooks/github'];

describe('prenv app create --org: a name GitHub cannot have is a usage error', () => {
  it.each([
    ['-acme', 'cannot begin or end with a hyphen'],
    ['acme-', 'cannot begin or end with a hyphen'],
    ['ac--me', 'cannot hold two hyphens in a row'],
    ['acme/../../settings', 'may hold only letters, digits and single hyphens'],
    ['acme?x=1', 'may hold only letters, digits and single hyphens'],
    ['', 'is empty'],
    ['a'.repeat(40), 'has 40 characters; GitHub names have at most 39'],
  ])('--org %j exits 2 before any page is served', async (org, problem) => {
    const run = await runCli([
      'app',
      'create',
      ...args,
      '--homepage',
      'https://github.com/acme/shop',
      '--org',
      org,
      '--out',
      '/nonexistent-dir/never-written.env',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`--org must be a GitHub organization name: "${org}" ${problem}`);
    // No local page was offered: nothing was built from the name.
    expect(run.stderr).not.toContain('Open http');
    expect(run.stdout).toBe('');
  });
});
