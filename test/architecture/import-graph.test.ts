import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseOptions, type IViolation } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The layers, top to bottom: bot/server and bot/cli (entry points) → bot/wiring (composition,
 * what both entry points build) → bot/runtime → bot/adapters → bot/core, bot/config,
 * generators (pure). Arrows point down only, and no module reaches itself again through its
 * imports. Type-only imports count (`tsPreCompilationDeps`): a type circle still couples the
 * files, and a later value import turns it into an initialisation-order bug.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['bot/server', 'bot/cli'],
  ['bot/wiring'],
  ['bot/runtime'],
  ['bot/adapters'],
  ['bot/core', 'bot/config', 'generators'],
];

const folders = (layers: readonly (readonly string[])[]) => `^(${layers.flat().join('|')})/`;

/** For each layer: nothing below it imports it. */
const layerRules = LAYERS.slice(0, -1).map((layer, i) => ({
  name: `nothing-below-imports-${layer.join('+')}`,
  severity: 'error' as const,
  from: { path: folders(LAYERS.slice(i + 1)) },
  to: { path: folders([layer]) },
}));

const options: ICruiseOptions = {
  validate: true,
  tsPreCompilationDeps: true,
  tsConfig: { fileName: path.join(ROOT, 'tsconfig.json') },
  doNotFollow: { path: 'node_modules' },
  exclude: { path: 'node_modules' },
  baseDir: ROOT,
  ruleSet: {
    forbidden: [
      {
        name: 'no-circular',
        severity: 'error',
        from: {},
        to: { circular: true },
      },
      ...layerRules,
    ],
  },
};

function describeViolation(v: IViolation): string {
  const via = v.cycle?.length ? ` via ${v.cycle.map((c) => c.name).join(' → ')}` : '';
  return `${v.rule.name}: ${v.from} → ${v.to}${via}`;
}

describe('import graph of bot/ and generators/', () => {
  it('has arrows that point down only and no circle, type-only imports included', async () => {
    const previous = process.cwd();
    process.chdir(ROOT);
    try {
      const result = await cruise(['bot', 'generators'], options);
      if (typeof result.output === 'string') throw new Error(result.output);
      const { summary, modules } = result.output;
      // The cruise saw the tree, not an empty folder or a broken tsconfig.
      expect(modules.filter((m) => m.source.startsWith('bot/server/')).length).toBeGreaterThan(3);
      expect(summary.totalCruised).toBeGreaterThan(200);
      // A new folder must take its place in LAYERS before the rules can hold it.
      const layered = new RegExp(folders(LAYERS));
      const ours = modules.filter((m) => /^(bot|generators)\//.test(m.source));
      expect(ours.filter((m) => !layered.test(m.source)).map((m) => m.source)).toEqual([]);
      expect(summary.violations.map(describeViolation)).toEqual([]);
    } finally {
      process.chdir(previous);
    }
  }, 60_000);
});
