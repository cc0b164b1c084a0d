import { describe, expect, it } from 'vitest';
import { costJson, renderCost } from '../../../bot/cli/views/cost-view.js';
import { costReport } from '../../../bot/core/cost.js';
import { Sim } from '../../core/fixtures.js';
import { AIPACTO_YML, busyWorld, config, expectGolden, json } from './view-fixtures.js';

describe('prenv cost', () => {
  it('renders a busy world like its golden files (text and JSON)', () => {
    const sim = busyWorld();
    const report = costReport(config(), sim.world, sim.now);
    expectGolden('cost-busy.txt.golden', renderCost(report));
    expectGolden('cost-busy.json.golden', json(costJson(report)));
  });

  it('says which prices are unknown', () => {
    const sim = new Sim();
    sim.live(3);
    const yml = AIPACTO_YML.replace('location: nbg1', 'location: ash');
    const text = renderCost(costReport(config(yml), sim.world, sim.now));
    expectGolden('cost-unknown-price.txt.golden', text);
    expect(text).toContain('Unknown price:   no price for cx22 in ash');
  });

  it('keeps times as ISO strings in JSON', () => {
    const sim = busyWorld();
    const out = costJson(costReport(config(), sim.world, sim.now));
    expect(out.at).toBe(new Date(sim.now).toISOString());
    expect(out.envs[2]?.since).toMatch(/^\d{4}-\d\d-\d\dT/);
  });
});
