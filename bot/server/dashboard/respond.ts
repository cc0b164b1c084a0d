import type { ServerResponse } from 'node:http';

/** A path of this site to go back to; anything else (`//evil`, `/\\evil`, URLs) is `/`. */
export function localPath(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  return next.slice(0, 500);
}

/** A 302 to `location`, never cached; nothing when an answer was already started. */
export function redirect(res: ServerResponse, location: string): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(302, { location, 'cache-control': 'no-store', 'content-length': 0 });
  res.end();
}
