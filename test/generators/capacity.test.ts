import { describe, expect, it } from 'vitest';
import {
  capacityProblems,
  capacityReport,
  placement,
  smallestServerTypeFor,
} from '../../generators/capacity.js';
import { EXAMPLES, configFromYaml, exampleConfig } from './render-support.js';

const base = `
project: shop
github: { owner: acme, repo: shop }
domain: shop.example.com
`;

describe('capacity of an environment against its Hetzner server type', () => {
  it.each(EXAMPLES)('examples/%s fits every environment', (name) => {
    const config = exampleConfig(name);
    for (const env of ['production', 'staging', 'pr'] as const) {
      expect(capacityProblems(config, env), `${name} ${env}`).toEqual([]);
    }
  });

  it('sums reservations × count, prestart tasks as the larger of them and the main task, and periodic jobs of the env', () => {
    const config = configFromYaml(`${base}
services:
  web:
    image: acme/web:1
    resources: { memory: 1024 }
    count: { production: 3, staging: 1, pr: 1 }
    prestart:
      migrate: { image: acme/web:1, resources: { memory: 2048 } }
  worker:
    image: acme/web:1
    resources: { memory: 512 }
jobs:
  backup:
    cron: "0 3 * * *"
    image: acme/backup:1
    command: backup
    resources: { memory: 300 }
    environments: [production]
`);
    expect(capacityReport(config, 'production')).toEqual({
      env: 'production',
      serverType: 'cx22',
      servers: 3,
      neededMiB: 3 * 2048 + 512 + 300,
      availableMiB: 3 * (4096 - 512),
      largestGroupMiB: 2048,
    });
    expect(capacityReport(config, 'pr').neededMiB).toBe(2048 + 512);
  });

  it.each([
    // [memory per service, count, server type, preview type, env, expected problem or null]
    [1024, 3, 'cx22', undefined, 'pr', null],
    [
      1800,
      2,
      'cx22',
      undefined,
      'pr',
      'its tasks reserve 3,600 MiB of memory, 1 × cx22 (3,584 MiB each for tasks after 512 MiB for the system and agents) offer 3,584 MiB: short by 16 MiB. To fix it, set hetzner.preview_server_type: cx33',
    ],
    [1800, 2, 'cx22', 'cx33', 'pr', null],
    [
      4000,
      1,
      'cx22',
      undefined,
      'production',
      'one group reserves 4,000 MiB of memory, more than a node offers on 3 × cx22 (3,584 MiB each for tasks after 512 MiB for the system and agents): short by 416 MiB. To fix it, set hetzner.server_type: cx33',
    ],
    [9000, 1, 'ccx63', undefined, 'staging', null],
    [9000, 1, 'zz99', undefined, 'staging', null],
  ] as const)(
    '%i MiB × %i on %s (previews: %s), %s',
    (memory, count, type, preview, env, problem) => {
      const config = configFromYaml(`${base}
hetzner: { server_type: ${type}${preview ? `, preview_server_type: ${preview}` : ''} }
services:
  app:
    image: acme/app:1
    resources: { memory: ${memory} }
    count: ${count}
`);
      const problems = capacityProblems(config, env);
      if (problem === null) expect(problems).toEqual([]);
      else
        expect(problems.map((p) => p.message)).toEqual([
          expect.stringContaining(problem) as string,
        ]);
    },
  );

  it('advises x86 server types on sale, smallest first', () => {
    expect(smallestServerTypeFor(3000)).toBe('cx23');
    expect(smallestServerTypeFor(5000)).toBe('cx33');
    expect(smallestServerTypeFor(40_000)).toBe('ccx43');
    expect(smallestServerTypeFor(1_000_000)).toBeUndefined();
  });

  it.each([
    [
      'four 2,000 MiB groups on three cx22: the sum fits, no node takes the fourth',
      `services:
  app:
    image: acme/app:1
    resources: { memory: 2000 }
    count: { production: 4, staging: 1, pr: 1 }
`,
      'production',
      'production cannot be placed node by node: the nodes would hold 2,000 + 2,000 + 2,000 MiB, and 2,000 MiB of allocations fit on no cx22 (3,584 MiB each for tasks). To fix it, set hetzner.server_type: cx33',
    ],
    [
      'two stateful services pinned to storage.node, with room on the other nodes',
      `services:
  db:
    image: postgres:16
    volumes: [{ name: db-data, path: /var/lib/postgresql/data }]
    resources: { memory: 2000 }
  cache:
    image: redis:7
    volumes: [{ name: cache-data, path: /data }]
    resources: { memory: 2000 }
`,
      'production',
      'production cannot be placed node by node: the nodes would hold 2,000 + 0 + 0 MiB (groups with volumes all on node 1, storage.node), and 2,000 MiB of allocations fit on no cx22',
    ],
  ])('%s', (_name, body, env, problem) => {
    const config = configFromYaml(`${base}${body}`);
    expect(capacityProblems(config, env as 'staging').map((p) => p.message)).toEqual([
      expect.stringContaining(problem) as string,
    ]);
  });

  it('places every example allocation on a node, node by node', () => {
    for (const name of EXAMPLES) {
      const config = exampleConfig(name);
      for (const env of ['production', 'staging', 'pr'] as const) {
        const p = placement(config, env);
        expect(p.unplacedMiB, `${name} ${env}`).toEqual([]);
        for (const used of p.perNodeMiB) expect(used).toBeLessThanOrEqual(p.freeMiB!);
      }
    }
  });
});
