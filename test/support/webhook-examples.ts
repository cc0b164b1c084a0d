import { createRequire } from 'node:module';
import { sign } from '@octokit/webhooks-methods';

interface ExampleGroup {
  name: string;
  examples: Record<string, unknown>[];
}

const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as ExampleGroup[];

/** The repository of every example payload. */
export const EXAMPLE_REPOSITORY = 'Codertocat/Hello-World';

/** A copy of `payload` as delivered for repository `fullName` (`owner/repo`). */
export function inRepository<T extends Record<string, unknown>>(payload: T, fullName: string): T {
  const copy = structuredClone(payload);
  const repository = (copy.repository ?? {}) as Record<string, unknown>;
  (copy as Record<string, unknown>).repository = { ...repository, full_name: fullName };
  return copy;
}

/** A real payload from @octokit/webhooks-examples, by event name and action (and an optional filter). */
export function realPayload(
  name: string,
  action: string,
  filter: (payload: Record<string, unknown>) => boolean = () => true,
): Record<string, unknown> {
  const found = examples
    .find((g) => g.name === name)
    ?.examples.find((e) => e.action === action && filter(e));
  if (!found) throw new Error(`no ${name}.${action} example in @octokit/webhooks-examples`);
  return structuredClone(found);
}

/** A real issue_comment payload turned into a comment on a pull request. */
export function prCommentPayload(body: string, login = 'octocat', pr = 1): Record<string, unknown> {
  const payload = realPayload('issue_comment', 'created');
  const issue = payload.issue as Record<string, unknown>;
  issue.number = pr;
  issue.pull_request = { url: `https://api.github.com/repos/o/r/pulls/${pr}` };
  const comment = payload.comment as Record<string, unknown>;
  comment.body = body;
  comment.user = { ...(comment.user as object), login, type: 'User' };
  payload.sender = { ...(payload.sender as object), login, type: 'User' };
  return payload;
}

export interface SignedDelivery {
  headers: Record<string, string>;
  body: string;
}

export async function signedDelivery(
  name: string,
  payload: unknown,
  secret: string,
  id: string,
): Promise<SignedDelivery> {
  const body = JSON.stringify(payload);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-github-event': name,
      'x-github-delivery': id,
      'x-hub-signature-256': await sign(secret, body),
    },
  };
}
