import type { NomadApi } from './client.js';
import { bexprString } from './client.js';
import { realSleep, type Sleep } from '../retry.js';
import type { NomadNode } from './types.js';

export const PREVIEW_NODE_POOL = 'previews';

export type NodeCheck =
  | { ready: true; node: NomadNode }
  | { ready: false; reason: 'absent' }
  | { ready: false; reason: 'not_ready'; node: NomadNode; why: string };

/**
 * Is the preview node of PR `pr` ready for jobs? Node list stubs carry no Meta, so the list is
 * narrowed with a server-side filter on Meta and each candidate is read in full to confirm
 * (servers older than 1.2 ignore `filter`).
 */
export async function nodeReadyForPr(api: NomadApi, pr: number): Promise<NodeCheck> {
  if (!Number.isInteger(pr) || pr <= 0)
    throw new Error(`PR number must be a positive integer, got ${pr}`);
  const wanted = String(pr);
  const stubs = await api.listNodes({ filter: `Meta["pr"] == ${bexprString(wanted)}` });
  let best: NodeCheck = { ready: false, reason: 'absent' };
  for (const stub of stubs) {
    const node = await api.readNode(stub.ID);
    if (!node || node.Meta?.pr !== wanted) continue;
    const why = notReadyReason(node);
    if (!why) return { ready: true, node };
    best = { ready: false, reason: 'not_ready', node, why };
  }
  return best;
}

function notReadyReason(node: NomadNode): string | undefined {
  if (node.Status !== 'ready') return `status is "${node.Status}"`;
  if (node.SchedulingEligibility !== 'eligible')
    return `scheduling is "${node.SchedulingEligibility}"`;
  if (node.Drain) return 'node is draining';
  if (node.NodePool !== PREVIEW_NODE_POOL)
    return `node pool is "${node.NodePool}", not "${PREVIEW_NODE_POOL}"`;
  return undefined;
}

export interface WaitOptions {
  timeoutMs: number;
  intervalMs: number;
  signal?: AbortSignal;
  sleep?: Sleep;
  now?: () => number;
}

export type WaitResult =
  | { ready: true; node: NomadNode }
  | { ready: false; reason: 'timeout' | 'aborted'; last: NodeCheck };

/** Polls until the PR's node is ready, the timeout passes or the signal aborts. */
export async function waitForNode(
  api: NomadApi,
  pr: number,
  opts: WaitOptions,
): Promise<WaitResult> {
  const sleep = opts.sleep ?? realSleep;
  const now = opts.now ?? Date.now;
  const deadline = now() + opts.timeoutMs;
  let last: NodeCheck = { ready: false, reason: 'absent' };
  for (;;) {
    if (opts.signal?.aborted) return { ready: false, reason: 'aborted', last };
    last = await nodeReadyForPr(api, pr);
    if (last.ready) return last;
    const left = deadline - now();
    if (left <= 0) return { ready: false, reason: 'timeout', last };
    try {
      await sleep(Math.min(opts.intervalMs, left), opts.signal);
    } catch (err) {
      if (opts.signal?.aborted) return { ready: false, reason: 'aborted', last };
      throw err;
    }
  }
}
