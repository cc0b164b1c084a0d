/** How hcl2json lays out blocks: every block is a list of bodies, each label one object level. */
import { isPlainObject } from './jobspec-values.js';

export interface BlockInstance {
  labels: string[];
  body: Record<string, unknown>;
}

export type ShapeResult =
  | { ok: true; instances: BlockInstance[] }
  | { ok: false; problem: 'attribute' | 'missing-label' | 'extra-label' | 'not-an-object' };

function looksLikeBlocks(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0 && value.every(isPlainObject);
}

/** The occurrences of a block with `labelCount` labels, in hcl2json's shape. */
export function blockInstances(
  value: unknown,
  labelCount: number,
  labels: string[] = [],
): ShapeResult {
  if (labelCount === 0) {
    if (isPlainObject(value)) {
      const labelled =
        Object.values(value).length > 0 && Object.values(value).every(looksLikeBlocks);
      return { ok: false, problem: labelled ? 'extra-label' : 'attribute' };
    }
    if (!Array.isArray(value)) return { ok: false, problem: 'attribute' };
    if (!value.every(isPlainObject)) return { ok: false, problem: 'not-an-object' };
    return { ok: true, instances: value.map((body) => ({ labels, body })) };
  }
  if (Array.isArray(value)) {
    return { ok: false, problem: looksLikeBlocks(value) ? 'missing-label' : 'attribute' };
  }
  if (!isPlainObject(value)) return { ok: false, problem: 'attribute' };
  const instances: BlockInstance[] = [];
  for (const [label, inner] of Object.entries(value)) {
    const result = blockInstances(inner, labelCount - 1, [...labels, label]);
    if (!result.ok) return result;
    instances.push(...result.instances);
  }
  return { ok: true, instances };
}

export function shapeProblemText(name: string, labelCount: number, problem: string): string {
  switch (problem) {
    case 'attribute':
      return `"${name}" must be written as a block (${name} { ... }), not as an argument`;
    case 'missing-label':
      return `block "${name}" needs ${labelCount} label${labelCount === 1 ? '' : 's'}`;
    case 'extra-label':
      return `block "${name}" takes no labels`;
    default:
      return `block "${name}" has an unexpected shape`;
  }
}

/** Whether an unknown key reads as a block (for "Unsupported block type" vs "argument"). */
export function looksLikeBlock(value: unknown): boolean {
  if (looksLikeBlocks(value)) return true;
  return (
    isPlainObject(value) &&
    Object.values(value).length > 0 &&
    Object.values(value).every(looksLikeBlock)
  );
}
