import { describe, expect, it } from 'vitest';
import { createConsulClient } from '../../bot/adapters/consul/client.js';
import { startLeaderElection, type LeaderElection } from '../../bot/adapters/consul/leader-lock.js';
import { silentLogger } from '../../bot/core/logger.js';
import { useConsul } from '../support/consul-process.js';
import { until } from '../runtime/harness.js';

const consul = useConsul();

function candidate(key: string, holder: string) {
  const client = createConsulClient({ baseUrl: consul().httpUrl, fetch });
  const events: string[] = [];
  const election: LeaderElection = startLeaderElection({
    kv: client.kv,
    sessions: client.sessions,
    key,
    holder,
    ttlMs: 10_000,
    lockDelayMs: 1_000,
    logger: silentLogger,
    onAcquired: () => events.push('acquired'),
    onLost: (reason) => events.push(`lost: ${reason}`),
  });
  return { election, events, client };
}

describe('leader election on a Consul session', { timeout: 30_000 }, () => {
  it('gives the lock to one candidate, and to another when the leader steps down', async () => {
    const a = candidate('lock/one', 'a');
    const b = candidate('lock/one', 'b');
    const c = candidate('lock/one', 'c');
    const all = [a, b, c];
    await until(() => all.some((x) => x.election.isLeader), 'someone leads');
    await new Promise((r) => setTimeout(r, 500));
    expect(all.filter((x) => x.election.isLeader)).toHaveLength(1);
    const leader = all.find((x) => x.election.isLeader)!;
    const entry = await leader.client.kv.get('lock/one');
    expect(entry?.value).toBe(['a', 'b', 'c'][all.indexOf(leader)]);

    await leader.election.stop();
    const rest = all.filter((x) => x !== leader);
    // Released (not invalidated): no lock-delay, the blocking query wakes the others at once.
    await until(() => rest.some((x) => x.election.isLeader), 'another leads', 5_000);
    expect(rest.filter((x) => x.election.isLeader)).toHaveLength(1);
    await Promise.all(rest.map((x) => x.election.stop()));
  });

  it('tells the leader it lost the lock when its session is invalidated', async () => {
    const a = candidate('lock/two', 'a');
    await until(() => a.election.isLeader, 'a leads');
    const session = (await a.client.kv.get('lock/two'))!.session!;
    const b = candidate('lock/two', 'b');
    await a.client.sessions.destroy(session);
    // a learns at its next renewal (TTL/2); b waits out the lock-delay, then leads.
    await until(() => a.events.some((e) => e.startsWith('lost')), 'a lost the lock', 8_000);
    expect(a.election.isLeader).toBe(false);
    await until(() => b.election.isLeader, 'b leads', 8_000);
    await Promise.all([a.election.stop(), b.election.stop()]);
  });
});
