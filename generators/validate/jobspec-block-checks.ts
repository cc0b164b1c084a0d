/** Checks inside one block: its labels, its attributes, or the values of a free-form block. */
import { quote } from './jobspec-messages.js';
import type { BlockNode, Report } from './jobspec-node.js';
import { attributeValueProblems, freeformValueProblems } from './jobspec-values.js';

export function checkLabels(node: BlockNode, report: Report) {
  node.labels.forEach((label, i) => {
    const pattern = node.schema.labelPattern?.[i];
    if (pattern !== undefined && !new RegExp(pattern, 'u').test(label)) {
      report(node, 'validate', `label ${quote(label)} does not match ${pattern}`);
    }
    if (node.schema.labelForbidden?.[i]?.includes(label)) {
      report(node, 'validate', `label ${quote(label)} is not allowed here`);
    }
  });
}

function enterpriseApplies(text: string, value: unknown): boolean {
  const match = /^value other than "([^"]*)"/.exec(text);
  return !match || String(value) !== match[1];
}

export function checkAttributes(node: BlockNode, report: Report) {
  for (const [name, attr] of Object.entries(node.schema.attributes ?? {})) {
    const value = node.body[name];
    if (value === undefined || value === null) {
      if (attr.required) {
        const stage =
          attr.requiredBy === 'driver'
            ? 'driver'
            : attr.requiredBy === 'parser'
              ? 'parse'
              : 'validate';
        const source = attr.requiredSource;
        report(node, stage, `missing required "${name}"`, {
          key: name,
          ...(source ? { source } : {}),
        });
      }
      continue;
    }
    for (const problem of attributeValueProblems(name, value, attr)) {
      const source = problem.source;
      report(node, problem.stage, problem.detail, {
        key: name,
        ...(source ? { source } : {}),
      });
    }
    if (attr.enterprise !== undefined && enterpriseApplies(attr.enterprise, value)) {
      report(node, 'enterprise', `"${name}": ${attr.enterprise}`, { key: name });
    }
    if (attr.deprecated !== undefined) {
      report(node, 'deprecated', `"${name}": ${attr.deprecated}`, { key: name });
    }
  }
}

export function checkFreeform(node: BlockNode, report: Report) {
  const type = node.schema.valueType ?? 'any';
  for (const [key, value] of Object.entries(node.body)) {
    for (const problem of freeformValueProblems(key, value, type)) {
      report(node, problem.stage, problem.detail, { key });
    }
  }
}
