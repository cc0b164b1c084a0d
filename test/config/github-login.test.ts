import { describe, expect, it } from 'vitest';
import { formatProblem, parseConfig } from '../../bot/config/load.js';
import { githubLoginProblem } from '../../bot/config/github-login.js';
import { MINIMAL_CONFIG } from './minimal-config.js';

describe('GitHub user and organization names', () => {
  it.each(['a', 'acme', 'Acme-Corp', 'a1-b2-c3', '0', 'x'.repeat(39)])('accepts %j', (name) => {
    expect(githubLoginProblem(name)).toBeNull();
  });

  it.each([
    ['', 'is empty'],
    ['-acme', 'cannot begin or end with a hyphen'],
    ['acme-', 'cannot begin or end with a hyphen'],
    ['-', 'cannot begin or end with a hyphen'],
    ['ac--me', 'cannot hold two hyphens in a row'],
    ['ac_me', 'may hold only letters, digits and single hyphens'],
    ['ac.me', 'may hold only letters, digits and single hyphens'],
    ['acme/evil', 'may hold only letters, digits and single hyphens'],
    ['ac me', 'may hold only letters, digits and single hyphens'],
    ['acme?x=1', 'may hold only letters, digits and single hyphens'],
    ['äcme', 'may hold only letters, digits and single hyphens'],
    ['x'.repeat(40), 'has 40 characters; GitHub names have at most 39'],
  ])('refuses %j: %s', (name, problem) => {
    expect(githubLoginProblem(name)).toBe(problem);
  });

  it("holds for prenv.yml's github.owner too, with its line", () => {
    const result = parseConfig(MINIMAL_CONFIG.replace('owner: acme', 'owner: acme-'), 'prenv.yml');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map(formatProblem)).toEqual([
      'prenv.yml:2:18: github.owner: must be a GitHub user or organisation name: "acme-" cannot begin or end with a hyphen',
    ]);
  });
});
