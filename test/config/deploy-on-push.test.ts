import { describe, expect, it } from 'vitest';
import { formatProblem, parseConfig } from '../../bot/config/load.js';

const config = (block: string) => `project: shop
github: { owner: acme, repo: shop }
domain: shop.example.com
services:
  web: { image: "acme/web:{{sha}}", port: 8080, route: { path: / } }
${block}`;

describe('deploy_on_push in prenv.yml', () => {
  it('defaults to the default branch for production, staging for staging, every check, 30m', () => {
    const result = parseConfig(config(''), 'prenv.yml');
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
    expect(result.config.deploy_on_push).toEqual({ staging: 'staging', checks_timeout: '30m' });
  });

  it.each([
    ['production: main', { production: 'main' }],
    ['production: release/2026', { production: 'release/2026' }],
    ['staging: false', { staging: false }],
    ['production: false', { production: false }],
    ['checks: [build, "ci / test"]', { checks: ['build', 'ci / test'] }],
    ['checks: []', { checks: [] }],
    ['checks_timeout: 2h', { checks_timeout: '2h' }],
  ])('accepts %s', (line, expected) => {
    const result = parseConfig(config(`deploy_on_push:\n  ${line}\n`), 'prenv.yml');
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
    expect(result.config.deploy_on_push).toMatchObject(expected);
  });

  it.each([
    ['production: "feature branch"', 'deploy_on_push.production', 'git branch name'],
    ['production: "a..b"', 'deploy_on_push.production', 'git branch name'],
    ['staging: "-x"', 'deploy_on_push.staging', 'git branch name'],
    ['staging: "x.lock"', 'deploy_on_push.staging', 'git branch name'],
    ['staging: true', 'deploy_on_push.staging', ''],
    ['checks: build', 'deploy_on_push.checks', ''],
    ['checks_timeout: 10s', 'deploy_on_push.checks_timeout', 'between 1m and 24h'],
    ['checks_timeout: soon', 'deploy_on_push.checks_timeout', 'duration'],
    ['branch: main', 'deploy_on_push', 'branch'],
  ])('refuses %s, naming the key and its line', (line, key, message) => {
    const result = parseConfig(config(`deploy_on_push:\n  ${line}\n`), 'prenv.yml');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const lines = result.problems.map(formatProblem);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^prenv\\.yml:7:\\d+: ${key.replace(/\./g, '\\.')}`));
    expect(lines[0]).toContain(message);
  });

  it('refuses one branch for both environments, naming staging', () => {
    const result = parseConfig(
      config('deploy_on_push:\n  production: main\n  staging: main\n'),
      'prenv.yml',
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map(formatProblem)).toEqual([
      expect.stringMatching(
        /^prenv\.yml:8:\d+: deploy_on_push\.staging: branch "main" already deploys production/,
      ),
    ]);
  });
});
