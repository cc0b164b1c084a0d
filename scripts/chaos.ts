/**
 * `npm run chaos [-- --seed N --events N --kills N]`: a seeded chaos run of the bot against the
 * simulated cloud (see test/chaos/chaos-run.ts); prints the seed, the events and faults and the
 * invariants checked, writes bench/results/chaos.json, and exits 1 on a violation. A failing
 * seed replays the same sequence: `npm run chaos -- --seed <seed>`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runChaos } from '../test/chaos/chaos-run.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    events: { type: 'string', default: '1000' },
    kills: { type: 'string', default: '5' },
  },
});
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
const events = Number(values.events);
const kills = Number(values.kills);
if (![seed, events, kills].every(Number.isInteger)) {
  process.stderr.write('chaos: --seed, --events and --kills take whole numbers\n');
  process.exit(2);
}
process.stdout.write(`chaos: seed ${seed}, ${events} events, ${kills} bot kills\n`);
const summary = await runChaos({
  seed,
  events,
  kills,
  restartCaddyAndConsul: true,
  terraformFailRate: 0.1,
  paceMs: 120,
  settleTimeoutMs: 180_000,
  log: (line) => process.stdout.write(`  ${line}\n`),
});
mkdirSync(path.join(root, 'bench/results'), { recursive: true });
writeFileSync(path.join(root, 'bench/results/chaos.json'), `${JSON.stringify(summary, null, 2)}\n`);
const { faults } = summary;
process.stdout.write(
  [
    `seed ${summary.seed}: ${summary.events} events ${JSON.stringify(summary.eventCounts)}`,
    `faults: bot SIGKILLed at events ${faults.killsAt.join(', ') || 'none'}; Caddy restarted at ${faults.caddyRestartAt}, Consul at ${faults.consulRestartAt}; ${faults.failedApplies} of ${faults.applies} Terraform applies failed`,
    `invariants (${summary.statesChecked} states checked):`,
    ...summary.invariants.map((i) => `  - ${i}`),
    `final: ${summary.final.live.length} live, ${summary.final.queued.length} queued of ${summary.final.open.length} open PRs`,
    summary.ok
      ? `OK in ${Math.round(summary.durationMs / 1000)} s`
      : `FAILED (replay: npm run chaos -- --seed ${summary.seed} --events ${summary.events} --kills ${kills}):\n${summary.violations.map((v) => `  ${v}`).join('\n')}`,
    'written to bench/results/chaos.json',
  ].join('\n') + '\n',
);
process.exitCode = summary.ok ? 0 : 1;
