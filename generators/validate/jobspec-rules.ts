/** The schema's cross-field `rules`, applied to the walked blocks. */
import { customRuleIssues } from './jobspec-custom-rules.js';
import { issue, quote } from './jobspec-messages.js';
import type { JobspecIssue } from './jobspec-messages.js';
import type { Condition, Rule } from './jobspec-schema.js';
import type { BlockNode } from './jobspec-walk.js';

export function valueOrDefault(node: BlockNode, name: string): unknown {
  const value = node.body[name];
  return value === undefined || value === null ? node.schema.attributes?.[name]?.default : value;
}

/** Set the way Go sees it after decoding: not missing, not null, not "". */
export function isSet(node: BlockNode, name: string): boolean {
  const value = node.body[name];
  return value !== undefined && value !== null && value !== '';
}

export function childCount(node: BlockNode, name: string): number {
  return node.children.get(name)?.length ?? 0;
}

function matches(node: BlockNode, condition: Condition): boolean {
  return Object.entries(condition).every(([name, values]) => {
    const value = valueOrDefault(node, name);
    return values.some((v) => String(v) === String(value));
  });
}

function conditionText(condition: Condition): string {
  return Object.entries(condition)
    .map(([name, values]) => `${name} = ${values.map(quote).join(' | ')}`)
    .join(', ');
}

export function jobTypeOf(job: BlockNode): string {
  return String(valueOrDefault(job, 'type') ?? 'service');
}

function hasDescendant(node: BlockNode, names: readonly string[]): boolean {
  const [first, ...rest] = names;
  if (first === undefined) return true;
  return (node.children.get(first) ?? []).some((child) => hasDescendant(child, rest));
}

function ancestor(node: BlockNode, ref: string): BlockNode | undefined {
  for (let n = node.parent; n; n = n.parent) if (n.ref === ref) return n;
  return undefined;
}

/** Findings of one rule for one block of the type it names; [] when it holds. */
function ruleFindings(rule: Rule, node: BlockNode, jobType: string): string[] {
  switch (rule.kind) {
    case 'atLeastOneChild': {
      if (rule.children.some((c) => childCount(node, c) > 0)) return [];
      if (rule.orDescendant?.some((path) => hasDescendant(node, path))) return [];
      return [rule.message];
    }
    case 'requiredWhen': {
      if (!matches(node, rule.when)) return [];
      const ok =
        rule.attribute !== undefined
          ? isSet(node, rule.attribute)
          : childCount(node, rule.child ?? '') > 0;
      return ok ? [] : [`${rule.message} (missing "${rule.attribute ?? rule.child}")`];
    }
    case 'enumWhenParent': {
      const parent = node.parent;
      if (!parent || parent.ref !== rule.parent || !matches(parent, rule.parentWhen)) return [];
      const value = valueOrDefault(node, rule.attribute);
      if (value === undefined || rule.enum.includes(String(value))) return [];
      return [`${rule.message} (${rule.attribute} = ${quote(value)})`];
    }
    case 'forbiddenWhen':
      return matches(node, rule.when) && childCount(node, rule.child) > 0
        ? [`${rule.message} (${conditionText(rule.when)} with a "${rule.child}" block)`]
        : [];
    case 'oneOfRequired':
      return rule.attributes.some((a) => isSet(node, a)) ? [] : [rule.message];
    case 'exactlyOneOf': {
      if (rule.unless && matches(node, rule.unless)) return [];
      const set = rule.attributes.filter((a) => isSet(node, a));
      return set.length === 1
        ? []
        : [`${rule.message} (${set.length === 0 ? 'none' : set.join(' and ')} set)`];
    }
    case 'jobTypes': {
      if (rule.parents && !rule.parents.includes(node.parent?.ref ?? '')) return [];
      return rule.allowed.includes(jobType)
        ? []
        : [`${rule.message} (job type is ${quote(jobType)})`];
    }
    case 'maxWhenJobType': {
      if (!rule.jobTypes.includes(jobType) || !isSet(node, rule.attribute)) return [];
      const value = Number(node.body[rule.attribute]);
      return value > rule.max ? [`${rule.message} (${rule.attribute} = ${value})`] : [];
    }
    case 'reference': {
      if (!isSet(node, rule.attribute)) return [];
      const [targetRef = '', targetChild = ''] = rule.target.split('.');
      const owner = ancestor(node, targetRef);
      const names = (owner?.children.get(targetChild) ?? []).map((c) => c.labels[0]);
      const value = String(node.body[rule.attribute]);
      if (names.includes(value)) return [];
      const known =
        names.length === 0 ? 'none declared' : `declared: ${names.map(quote).join(', ')}`;
      return [`${rule.message} (${rule.attribute} = ${quote(value)}; ${known})`];
    }
    case 'mutuallyExclusive': {
      const set = rule.attributes.filter((a) => isSet(node, a));
      return set.length > 1 ? [`${rule.message} (${set.join(' and ')} are both set)`] : [];
    }
    case 'ignored':
    case 'custom':
      return [];
  }
}

export function ruleIssues(
  rules: readonly Rule[],
  nodes: readonly BlockNode[],
  job: BlockNode,
): JobspecIssue[] {
  const jobType = jobTypeOf(job);
  const issues: JobspecIssue[] = [];
  for (const rule of rules) {
    const source = `${rule.source}; rule ${rule.id}`;
    for (const node of nodes) {
      if (rule.block !== '*' && node.ref !== rule.block) continue;
      if (node.schema.driverConfig) continue;
      if (rule.kind === 'custom') {
        issues.push(...customRuleIssues(rule, node, source));
        continue;
      }
      if (rule.kind === 'ignored') {
        if (isSet(node, rule.attribute)) {
          issues.push(issue('ignored', node.path, rule.message, { key: rule.attribute, source }));
        }
        continue;
      }
      for (const detail of ruleFindings(rule, node, jobType)) {
        const key = 'attribute' in rule ? rule.attribute : 'child' in rule ? rule.child : undefined;
        issues.push(issue('validate', node.path, detail, { ...(key ? { key } : {}), source }));
      }
    }
  }
  return issues;
}
