/** A block of the job being checked, and how findings about it are reported. */
import { issue } from './jobspec-messages.js';
import type { JobspecIssue, JobspecStage } from './jobspec-messages.js';
import type { BlockSchema } from './jobspec-schema.js';

export interface BlockNode {
  /** Schema block name (`service_check` for a `check` block). */
  ref: string;
  /** Name as written in the file. */
  name: string;
  labels: string[];
  body: Record<string, unknown>;
  schema: BlockSchema;
  path: string;
  parent: BlockNode | undefined;
  children: Map<string, BlockNode[]>;
}

/** Driver config problems surface when the task starts, whatever kind they are. */
export function stageFor(node: BlockNode, stage: JobspecStage): JobspecStage {
  for (let n: BlockNode | undefined = node; n; n = n.parent) {
    if (n.schema.driverConfig) return stage === 'parse' || stage === 'validate' ? 'driver' : stage;
  }
  return stage;
}

export type Report = (
  node: BlockNode,
  stage: JobspecStage,
  detail: string,
  extra?: { key?: string; source?: string },
) => void;

/** A reporter that adds to `issues`, moving driver-config findings to the "driver" stage. */
export function reporter(issues: JobspecIssue[]): Report {
  return (node, stage, detail, extra = {}) => {
    issues.push(issue(stageFor(node, stage), node.path, detail, extra));
  };
}
