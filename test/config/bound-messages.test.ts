import { describe, expect, it } from 'vitest';
import { formatProblem, parseConfig } from '../../bot/config/load.js';
import { MINIMAL_CONFIG } from './minimal-config.js';

// A value outside a bound, or of none of a key's forms, is named in its own unit and with the
// forms the key takes: "must be at least 1" said nothing of an empty branch name.

const minimal = MINIMAL_CONFIG;

function problems(extra: string): string[] {
  const result = parseConfig(`${minimal}${extra}\n`, 'prenv.yml');
  if (result.ok) throw new Error('expected the config to be rejected');
  return result.problems.map((p) => formatProblem(p).replace(/^prenv\.yml:\d+:\d+: /, ''));
}

describe("bounds and unions in the value's own words", () => {
  it.each([
    ['deploy_on_push: { production: "" }', 'deploy_on_push.production: must not be empty'],
    ['deploy_on_push: { checks: [ci, ""] }', 'deploy_on_push.checks.1: must not be empty'],
    [
      `deploy_on_push: { staging: "${'b'.repeat(256)}" }`,
      'deploy_on_push.staging: must be at most 255 characters long',
    ],
    [
      'deploy_on_push: { production: true }',
      'deploy_on_push.production: expected string or false, got boolean true',
    ],
    [
      'deploy_on_push: { staging: 7 }',
      'deploy_on_push.staging: expected string or false, got number 7',
    ],
    [
      'environments: { production: { servers: 0 } }',
      'environments.production.servers: must be at least 1',
    ],
    [
      'environments: { production: { servers: 10 } }',
      'environments.production.servers: must be at most 9',
    ],
  ])('%s', (yml, message) => {
    expect(problems(yml)).toContain(message);
  });
});
