import { describe, expect, it } from 'vitest';
import {
  checkServerTypes,
  serverTypeUses,
  type ServerTypeFacts,
} from '../../bot/core/server-type-check.js';

const NOW = Date.parse('2026-11-30T12:00:00Z');
const past = { announced: '2025-01-01T00:00:00Z', unavailableAfter: '2026-06-01T00:00:00Z' };
const future = { announced: '2025-10-16T00:00:00Z', unavailableAfter: '2027-06-01T00:00:00Z' };

function type(
  name: string,
  cores: number,
  memoryGB: number,
  monthly: number,
  extra: Partial<ServerTypeFacts> = {},
  locations = ['fsn1', 'nbg1', 'hel1'],
): ServerTypeFacts {
  return {
    name,
    cores,
    memoryGB,
    architecture: 'x86',
    cpuType: 'shared',
    deprecation: null,
    locations: locations.map((l) => ({ name: l, deprecation: extra.deprecation ?? null })),
    prices: locations.map((location) => ({ location, hourly: monthly / 730, monthly })),
    ...extra,
  };
}

const LIVE = [
  type('cx23', 2, 4, 2.99),
  type('cx33', 4, 8, 4.99),
  type('cpx11', 2, 2, 4.35, { deprecation: past }),
  type('cpx12', 1, 2, 5.49, {}),
  type('cpx22', 2, 4, 6.49),
  type('cpx21', 3, 4, 7.55, { deprecation: future }),
  type('ccx13', 2, 8, 12.49, { cpuType: 'dedicated' }, ['fsn1', 'hel1']),
  type('cax11', 2, 4, 3.79, { architecture: 'arm' }),
  {
    ...type('cx43', 8, 16, 9.99),
    locations: [
      { name: 'fsn1', deprecation: null },
      { name: 'nbg1', deprecation: past },
    ],
  },
];

// Without a successor in prenv's table, the cheapest type on sale there with the same
// architecture and CPU kind and at least the cores and memory: cpx11 → cx23, cpx21 → cx33.
describe('checkServerTypes against Hetzner GET /server_types', () => {
  it.each([
    ['cx23', 'nbg1', 'ok', 'cx23 in nbg1, €2.99 a month in nbg1 (Hetzner API)'],
    [
      'cx99',
      'nbg1',
      'error',
      'Hetzner has no server type cx99 (hetzner.server_type); every create would be refused. Set hetzner.server_type to a type Hetzner lists.',
    ],
    [
      'cx22',
      'nbg1',
      'error',
      'Hetzner has no server type cx22 (hetzner.server_type); every create would be refused. Set hetzner.server_type: cx23 (€2.99 a month in nbg1) in prenv.yml.',
    ],
    [
      'ccx13',
      'nbg1',
      'error',
      'Hetzner does not offer ccx13 (hetzner.server_type) in nbg1 (hetzner.location); every create would be refused. Set hetzner.server_type to a type Hetzner offers in nbg1.',
    ],
    [
      'cpx11',
      'nbg1',
      'error',
      'Hetzner no longer offers cpx11 (hetzner.server_type) in nbg1 (deprecated on 2025-01-01, unavailable since 2026-06-01); every create would be refused. Its successor cx23 costs €2.99 a month in nbg1. Set hetzner.server_type: cx23 in prenv.yml.',
    ],
    [
      'cpx21',
      'hel1',
      'warn',
      'Hetzner has deprecated cpx21 (hetzner.server_type) in hel1 (deprecated on 2025-10-16, no new servers after 2027-06-01). Its successor cx33 costs €4.99 a month in hel1. Set hetzner.server_type: cx33 in prenv.yml.',
    ],
    ['cx43', 'fsn1', 'ok', 'cx43 in fsn1, €9.99 a month in fsn1 (Hetzner API)'],
    [
      'cx43',
      'nbg1',
      'error',
      'Hetzner no longer offers cx43 (hetzner.server_type) in nbg1 (deprecated on 2025-01-01, unavailable since 2026-06-01); every create would be refused. Set hetzner.server_type to a type Hetzner offers in nbg1.',
    ],
  ])('%s in %s: %s', (serverType, location, status, detail) => {
    const [finding] = checkServerTypes({
      uses: [{ setting: 'hetzner.server_type', serverType }],
      location,
      live: LIVE,
      now: NOW,
    });
    expect(finding).toEqual({ serverType, setting: 'hetzner.server_type', status, detail });
  });

  it('without the API, answers from its own table and says so', () => {
    const findings = checkServerTypes({
      uses: serverTypeUses({
        hetzner: { location: 'nbg1', server_type: 'cx22', preview_server_type: 'cx33' },
      }),
      location: 'nbg1',
      live: null,
      now: NOW,
    });
    expect(findings.map((f) => [f.setting, f.status])).toEqual([
      ['hetzner.server_type', 'warn'],
      ['hetzner.preview_server_type', 'ok'],
    ]);
    expect(findings[0]?.detail).toContain(
      'Its successor cx23 costs €2.99 a month in nbg1 (prices of 2025-10-16). Set hetzner.server_type: cx23 in prenv.yml.',
    );
  });

  it.each([
    [undefined, "set PRENV_HCLOUD_TOKEN for Hetzner's own answer"],
    [
      "without --offline Hetzner's /server_types answers",
      "without --offline Hetzner's /server_types answers",
    ],
  ])(
    'without the API, a type missing from its table is a warning, never ok (%s)',
    (tableNote, hint) => {
      const findings = checkServerTypes({
        uses: serverTypeUses({
          hetzner: { location: 'nbg1', server_type: 'cx99', preview_server_type: 'cx23' },
        }),
        location: 'nbg1',
        live: null,
        now: NOW,
        ...(tableNote ? { tableNote } : {}),
      });
      expect(findings.map((f) => f.status)).toEqual(['warn', 'ok']);
      expect(findings[0]?.detail).toContain(
        "cx99 (hetzner.server_type) is not in prenv's table of Hetzner server types",
      );
      for (const f of findings) expect(f.detail).toContain(hint);
    },
  );

  it('checks a preview type only when it differs from the server type', () => {
    expect(
      serverTypeUses({
        hetzner: { location: 'nbg1', server_type: 'cx23', preview_server_type: 'cx23' },
      }),
    ).toEqual([{ setting: 'hetzner.server_type', serverType: 'cx23' }]);
  });
});
