/** The schema's `custom` rules: constraint, affinity, labelEnum, uniqueLabels. */
import { issue, quote } from './jobspec-messages.js';
import type { JobspecIssue, JobspecStage } from './jobspec-messages.js';
import type { CustomCheck, Rule } from './jobspec-schema.js';
import type { BlockNode } from './jobspec-walk.js';

type CustomRule = Extract<Rule, { kind: 'custom' }>;

function text(node: BlockNode, name: string): string {
  const value = node.body[name];
  return value === undefined || value === null ? '' : String(value);
}

const needsValue = new Set(['=', '==', 'is', '!=', 'not', '<', '<=', '>', '>=']);
const setOperators = new Set(['set_contains', 'set_contains_all', 'set_contains_any']);
const noValue = new Set(['is_set', 'is_not_set']);

/** Operator, attribute and value as jobspec2's decodeConstraint derives them from shorthands. */
export function decodeConstraint(node: BlockNode): {
  operator: string;
  lTarget: string;
  rTarget: string;
} {
  let operator = text(node, 'operator');
  let lTarget = text(node, 'attribute');
  let rTarget = text(node, 'value');
  for (const shorthand of ['version', 'semver', 'regexp', 'set_contains']) {
    if (text(node, shorthand) !== '') {
      operator = shorthand;
      rTarget = text(node, shorthand);
    }
  }
  const distinctHosts = node.body['distinct_hosts'];
  if (distinctHosts === true || distinctHosts === 'true') operator = 'distinct_hosts';
  if (text(node, 'distinct_property') !== '') {
    operator = 'distinct_property';
    lTarget = text(node, 'distinct_property');
  }
  return { operator: operator || '=', lTarget, rTarget };
}

function constraintFindings(node: BlockNode): { detail: string; stage: 'validate' | 'ignored' }[] {
  const { operator, lTarget, rTarget } = decodeConstraint(node);
  const found: { detail: string; stage: 'validate' | 'ignored' }[] = [];
  if (operator !== 'distinct_hosts' && lTarget === '') {
    found.push({
      detail: `constraint needs "attribute" (operator ${quote(operator)})`,
      stage: 'validate',
    });
  }
  if ((needsValue.has(operator) || setOperators.has(operator)) && rTarget === '') {
    found.push({ detail: `operator ${quote(operator)} needs a "value"`, stage: 'validate' });
  }
  if (noValue.has(operator) && rTarget !== '') {
    found.push({ detail: `operator ${quote(operator)} takes no "value"`, stage: 'validate' });
  }
  const parentRef = node.parent?.ref;
  if ((parentRef === 'task' || parentRef === 'device') && operator.startsWith('distinct_')) {
    found.push({
      detail: `${quote(operator)} is not allowed in ${parentRef} constraints`,
      stage: 'validate',
    });
  }
  for (const unmapped of ['set_contains_all', 'set_contains_any', 'is_set', 'is_not_set']) {
    if (text(node, unmapped) !== '') {
      found.push({
        detail: `shorthand "${unmapped}" is dropped by the parser; write operator = ${quote(unmapped)} instead`,
        stage: 'ignored',
      });
    }
  }
  return found;
}

function affinityFindings(node: BlockNode): string[] {
  const found: string[] = [];
  if (text(node, 'attribute') === '') found.push('affinity needs "attribute"');
  const weight = node.body['weight'];
  if (weight !== undefined && weight !== null && Number(weight) === 0)
    found.push('affinity "weight" must not be 0');
  return found;
}

function labelEnumFindings(node: BlockNode): string[] {
  const allowed = node.schema.labelEnum?.[0] ?? [];
  const label = (node.labels[0] ?? '').toLowerCase();
  if (!allowed.includes(label))
    return [`label ${quote(node.labels[0])} must be one of ${allowed.map(quote).join(', ')}`];
  const found: string[] = [];
  const siblings = node.parent?.children.get(node.name) ?? [];
  const sameLabel = siblings.filter((s) => (s.labels[0] ?? '').toLowerCase() === label);
  if (sameLabel[0] !== node && sameLabel.length > 1) return [];
  if (sameLabel.length > 1) found.push(`only one ${node.name} ${quote(label)} block is allowed`);
  const expectedType = node.schema.labelTypeMap?.[label];
  const type = node.body['type'];
  if (expectedType !== undefined && type !== undefined && type !== null && type !== expectedType) {
    found.push(
      `"type" must be ${quote(expectedType)} for label ${quote(label)}, got ${quote(type)}`,
    );
  }
  return found;
}

function duplicates(labels: readonly string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const label of labels) (seen.has(label) ? dup : seen).add(label);
  return [...dup];
}

function labelsOf(node: BlockNode, name: string): string[] {
  return (node.children.get(name) ?? []).map((c) => c.labels[0] ?? '');
}

function uniqueLabelFindings(node: BlockNode): string[] {
  const found: string[] = [];
  if (node.ref === 'job') {
    // Job-level tasks become groups of the same name.
    for (const d of duplicates([...labelsOf(node, 'group'), ...labelsOf(node, 'task')])) {
      found.push(`group ${quote(d)} is defined more than once`);
    }
  }
  if (node.ref === 'group') {
    for (const d of duplicates(labelsOf(node, 'task')))
      found.push(`task ${quote(d)} is defined more than once`);
    const ports = (node.children.get('network') ?? []).flatMap((n) => [
      ...labelsOf(n, 'port'),
      ...labelsOf(n, 'reserved_ports'),
    ]);
    for (const d of duplicates(ports)) found.push(`port label ${quote(d)} is used more than once`);
  }
  return found;
}

export function customRuleIssues(
  rule: CustomRule,
  node: BlockNode,
  source: string,
): JobspecIssue[] {
  const check: CustomCheck = rule.check;
  const report = (stage: JobspecStage, details: string[]) =>
    details.map((detail) => issue(stage, node.path, `${detail} — ${rule.message}`, { source }));
  switch (check) {
    case 'constraint':
      return constraintFindings(node).flatMap((f) => report(f.stage, [f.detail]));
    case 'affinity':
      return report('validate', affinityFindings(node));
    case 'labelEnum':
      // jobspec2 decodeTaskScalingPolicies checks these while parsing.
      return node.schema.labelEnum ? report('parse', labelEnumFindings(node)) : [];
    case 'uniqueLabels':
      return report('validate', uniqueLabelFindings(node));
  }
}
