import { describe, expect, it } from 'vitest';
import { listView, renderList } from '../../../bot/cli/views/list-view.js';
import { Sim } from '../../core/fixtures.js';
import { busyWorld, expectGolden, json, viewInput } from './view-fixtures.js';

describe('prenv list', () => {
  it('renders a busy world like its golden files (text and JSON)', () => {
    const view = listView(viewInput(busyWorld()));
    expectGolden('list-busy.txt.golden', renderList(view));
    expectGolden('list-busy.json.golden', json(view));
  });

  it('renders production and staging alone when no PR has an env', () => {
    const sim = new Sim();
    const view = listView(
      viewInput(sim, {
        production: null,
        staging: { deployedSha: null, deployedAt: null, servers: ['stage-a'] },
      }),
    );
    expectGolden('list-empty.txt.golden', renderList(view));
  });

  it('lists every env that is not absent, with slot use and the hourly total', () => {
    const sim = busyWorld();
    const view = listView(viewInput(sim));
    expect(view.rows.map((r) => [r.env, r.state, r.queuePosition])).toEqual([
      ['production', 'deployed', null],
      ['staging', 'unknown', null],
      ['pr-7', 'live', null],
      ['pr-12', 'redeploying', null],
      ['pr-15', 'failed', null],
      ['pr-21', 'queued', 1],
    ]);
    expect(view.slots).toEqual({ used: 3, cap: 15, queued: 1 });
    const queued = view.rows.find((r) => r.env === 'pr-21')!;
    expect([queued.nodes, queued.hourly]).toEqual([[], 0]);
    const sum = view.rows.reduce((a, r) => a + (r.hourly ?? 0), 0);
    expect(view.hourlyTotal).toBeCloseTo(sum, 6);
  });
});
