import type { StickyView } from './actions.js';
import { formatTime } from './format.js';
import { codeSpan } from './markdown.js';

/** The "what to do next" line of the sticky comment. */
export function nextStep(view: StickyView): string {
  const { env } = view;
  const { pull, failure, manualOverride } = env;
  const busy = env.phase === 'destroying' ? 'It is being removed.' : 'It is gone.';
  if (pull.state === 'closed' && (env.phase === 'absent' || env.phase === 'destroying'))
    return `The pull request was ${pull.merged ? 'merged' : 'closed'}. ${busy}`;
  if (pull.draft && (env.phase === 'absent' || env.phase === 'destroying'))
    return 'Draft pull requests get no environment: mark it ready for review to deploy it.';
  if (manualOverride?.reason === 'destroy_command' && !failure)
    return `Destroyed on request${manualOverride.by ? ` by ${codeSpan(manualOverride.by)}` : ''}: comment \`/deploy\` to bring it back.`;
  if (manualOverride?.reason === 'idle_ttl' && !failure)
    return 'Removed after being idle: push a commit or comment `/deploy` to bring it back.';
  if (pull.fork && env.approvedSha === null)
    return 'This pull request comes from a fork, so it is not deployed automatically: a maintainer can comment `/deploy`.';
  switch (env.phase) {
    case 'queued':
      return view.waitingForCapacity
        ? 'The Hetzner project is at its server limit: it starts by itself once a server is freed or the limit allows it.'
        : 'All preview slots are taken: it starts by itself when one is freed.';
    case 'provisioning':
    case 'deploying':
    case 'redeploying':
    case 'destroying':
      return 'Nothing to do: this comment is updated when the step ends.';
    case 'live':
      return pull.fork && env.approvedSha !== pull.headSha
        ? 'New commits from the fork are not deployed automatically: a maintainer can comment `/redeploy`.'
        : 'Pushes redeploy it by themselves; comment `/destroy` to remove it.';
    case 'failed':
      if (failure?.stage === 'destroy')
        return failure.nextRetryAt === null
          ? 'Removing the environment failed.'
          : `Removing the environment failed; it is retried at ${formatTime(failure.nextRetryAt)}.`;
      return failure?.nextRetryAt != null
        ? `It is retried automatically at ${formatTime(failure.nextRetryAt)}; comment \`/deploy\` to retry now.`
        : 'Automatic retries stopped: comment `/deploy` to retry, or `/destroy` to free the slot.';
    case 'absent':
      return 'Comment `/deploy` to create it.';
  }
}
