import { createHmac } from 'node:crypto';

/**
 * The bypass token of PR `pr`'s preview (`previews.protect`): 32 base64url characters, an HMAC
 * of `<project>/pr-<pr>` under a key derived from the bot's secret, so nothing is stored and the
 * token is the same for as long as the secret is. Caddy's forward_auth passes a request carrying
 * it (see `PREVIEW_AUTH.bypassHeader`); the deploy's last check sends it to reach the app itself.
 */
export function previewBypassToken(secret: string, project: string, pr: number): string {
  const key = createHmac('sha256', secret).update('prenv:preview-bypass').digest();
  return createHmac('sha256', key).update(`${project}/pr-${pr}`).digest('base64url').slice(0, 32);
}
