/** One check run or commit status on a commit, reduced to what a deploy waits for. */
export interface CommitCheck {
  name: string;
  state: 'pending' | 'success' | 'failure';
}

export interface ChecksVerdict {
  verdict: 'pending' | 'success' | 'failure';
  detail: string;
}

/**
 * Whether a commit may be deployed. `required` null: every check reported on the commit must
 * succeed, and at least one must be reported (a push is seen before CI registers its checks);
 * a list: each named check must be reported and succeed (an empty list deploys at once). A check
 * reported twice (re-run) counts by its worst state. Check runs map to states as GitHub's
 * combined status does: `success`, `neutral` and `skipped` pass (see the adapter).
 */
export function checksVerdict(
  checks: readonly CommitCheck[],
  required: readonly string[] | null,
): ChecksVerdict {
  const worst = new Map<string, CommitCheck['state']>();
  const rank = { success: 0, pending: 1, failure: 2 } as const;
  for (const check of checks) {
    const seen = worst.get(check.name);
    if (!seen || rank[check.state] > rank[seen]) worst.set(check.name, check.state);
  }
  const names = required ?? [...worst.keys()].sort();
  if (names.length === 0)
    return required
      ? { verdict: 'success', detail: 'no checks required' }
      : { verdict: 'pending', detail: 'no checks reported yet' };
  const failed = names.filter((n) => worst.get(n) === 'failure');
  if (failed.length > 0) return { verdict: 'failure', detail: `failed: ${list(failed)}` };
  const waiting = names.filter((n) => worst.get(n) !== 'success');
  if (waiting.length > 0) return { verdict: 'pending', detail: `waiting for ${list(waiting)}` };
  return { verdict: 'success', detail: `passed: ${list(names)}` };
}

function list(names: readonly string[]): string {
  const shown = names.slice(0, 3).join(', ');
  return names.length > 3 ? `${shown} and ${names.length - 3} more` : shown;
}
