import { readFileSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { Config } from '../../../bot/config/config.js';
import { parseConfig } from '../../../bot/config/load.js';
import type { ViewInput } from '../../../bot/cli/views/view-support.js';
import { command, pull, sha, Sim, T0 } from '../../core/fixtures.js';

/** The reference deployment (seed 002), kept here so other examples can change freely. */
export const AIPACTO_YML = `
project: aipacto
github: { owner: aipacto, repo: aipacto }
domain: aipacto.com
hetzner: { location: nbg1, server_type: cx22 }
previews: { host: 'pr-{{number}}.pr.aipacto.com', max: 15, ttl: 72h }
environments:
  production: { servers: 3, host: aipacto.com }
  staging: { servers: 1, host: staging.aipacto.com }
services:
  web: { image: 'developeraipacto/aipacto-web:{{sha}}', port: 80, route: { path: / } }
`;

export function config(yaml = AIPACTO_YML): Config {
  const result = parseConfig(yaml, 'prenv.yml');
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.config;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * A busy afternoon with cap 3: PR 7 live for 2 h, PR 12 redeploying a push, PR 15 failed with a
 * retry due, PR 21 queued, PR 30 destroyed on request (absent, not listed).
 */
export function busyWorld(): Sim {
  const sim = new Sim({ cap: 3, ttlMs: 72 * HOUR });
  sim.live(7);
  sim.advance(20 * MINUTE);
  sim.live(12);
  sim.apply({ kind: 'pr_opened', pull: pull(15) });
  sim.advance(90_000);
  sim.finish(15);
  sim.advance(4 * MINUTE);
  sim.finish(15, 'failed', 'health check /health answered 502 through Caddy');
  sim.apply({ kind: 'pr_opened', pull: pull(21) });
  sim.apply({ kind: 'pr_opened', pull: pull(30) });
  sim.apply(command(pull(30), 'destroy'));
  sim.advance(95 * MINUTE);
  sim.apply({ kind: 'pr_updated', pull: pull(12, { headSha: sha(12, 1) }) });
  sim.advance(25_000);
  return sim;
}

export function viewInput(sim: Sim, overrides: Partial<ViewInput> = {}): ViewInput {
  return {
    config: config(),
    world: sim.world,
    now: sim.now,
    production: { deployedSha: sha(900, 1), deployedAt: T0 - 26 * HOUR, servers: [] },
    staging: null,
    ...overrides,
  };
}

const goldenUrl = (name: string) => new URL(`../golden/${name}`, import.meta.url);

/** Compares exactly with `test/cli/golden/<name>`; `UPDATE_GOLDEN=1` rewrites it. */
export function expectGolden(name: string, text: string): void {
  if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(goldenUrl(name), text);
  expect(text).toBe(readFileSync(goldenUrl(name), 'utf8'));
}

export function json(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}
