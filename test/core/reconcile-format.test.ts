import { describe, expect, it } from 'vitest';
import { applyReconcile, reconcile } from '../../bot/core/reconcile.js';
import { formatAppliedReconcile, formatReconcilePlan } from '../../bot/core/reconcile-format.js';
import { expectGolden } from '../cli/views/view-fixtures.js';
import { pull, sha, Sim } from './fixtures.js';

const HOUR = 3_600_000;

/** Cap 3: PR 1 closed (webhook lost), PR 2 stuck provisioning, PR 3 pushed, 4 and 5 new, 9 orphaned. */
function mixed() {
  const sim = new Sim({ cap: 3 });
  sim.live(1);
  sim.live(3);
  sim.apply({ kind: 'pr_opened', pull: pull(2) });
  sim.advance(2 * HOUR);
  const plan = reconcile(
    {
      openPulls: [
        pull(2),
        pull(3, { headSha: sha(3, 1) }),
        pull(4),
        pull(5),
        pull(6, { draft: true }),
      ],
      world: sim.world,
      servers: [
        {
          name: 'pr-9-aipacto-client-1',
          labels: { project: 'aipacto', environment: 'pr', pr: '9' },
        },
      ],
      nomadJobs: [],
      terraformStates: [9],
      now: sim.now,
    },
    { project: 'aipacto', stuckAfterMs: HOUR },
  );
  return { sim, plan };
}

describe('prenv reconcile --dry-run', () => {
  it('prints the findings and their repairs like the golden file', () => {
    const { plan } = mixed();
    expectGolden('reconcile-plan.txt.golden', formatReconcilePlan(plan));
  });

  it('prints what the executor would do like the golden file', () => {
    const { sim, plan } = mixed();
    const applied = applyReconcile(sim.world, plan, sim.context);
    expectGolden('reconcile-applied.txt.golden', formatAppliedReconcile(applied, 3));
  });

  it('says when there is nothing to repair', () => {
    const sim = new Sim();
    const plan = reconcile(
      {
        openPulls: [],
        world: sim.world,
        servers: [],
        nomadJobs: [],
        terraformStates: [],
        now: sim.now,
      },
      { project: 'aipacto', stuckAfterMs: HOUR },
    );
    expect(formatReconcilePlan(plan)).toBe(
      'Reconcile at 2025-01-15 12:00:00 UTC: nothing to repair\n\n' +
        'Then one tick: idle TTL, retries that are due, queued PRs start as slots free.\n',
    );
  });
});
