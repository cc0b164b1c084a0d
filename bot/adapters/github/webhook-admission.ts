import { verify } from '@octokit/webhooks-methods';
import { mapWebhook } from '../../core/events.js';
import type { Admission, AdmissionContext } from './intake-outcome.js';

/**
 * Judges one webhook delivery: checks its HMAC-SHA256 signature over the body text with
 * @octokit/webhooks-methods (GitHub's "Validating webhook deliveries"), parses the body and maps
 * it (`mapWebhook`). Runs on whichever thread holds the body: the SQLite store's writer thread,
 * or the event loop for the other stores. Never throws for any input.
 *
 * @param name `X-GitHub-Event`
 * @param body the request body, decoded as UTF-8
 * @param signature `X-Hub-Signature-256` (`sha256=` and 64 hex digits)
 */
export async function admitDelivery(
  name: string,
  body: string,
  signature: string,
  context: AdmissionContext,
): Promise<Admission> {
  // An empty body or secret makes verify throw: neither can be a signed delivery.
  if (!(await verify(context.secret, body, signature).catch(() => false)))
    return { kind: 'unsigned' };
  let payload: unknown;
  try {
    payload = JSON.parse(body);
  } catch {
    return { kind: 'malformed', message: 'body is not JSON' };
  }
  // GitHub sends every payload as a JSON object; `[]`, `"x"`, `null` or `7` is no delivery.
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
    return { kind: 'malformed', message: 'body is not a JSON object' };
  const event = mapWebhook(name, payload, {
    appLogin: context.appLogin,
    repository: context.repository,
  });
  if (event.kind === 'invalid')
    return { kind: 'malformed', field: event.field, message: event.message };
  if (event.kind === 'ignored') return { kind: 'ignored', reason: event.reason };
  return { kind: 'admitted', event };
}
