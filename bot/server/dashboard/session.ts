import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed cookie values: `<base64url JSON>.<base64url HMAC-SHA256>`. Nothing is stored on the
 * server; a value whose signature does not match, or whose `exp` passed, reads as absent.
 */
export interface Signer {
  sign(data: object, ttlMs: number, now: number): string;
  verify<T extends object>(value: string | undefined, now: number): T | null;
}

/**
 * A key for one purpose, derived from the server's secret with HMAC-SHA256, so sessions, OAuth
 * states and bypass tokens need no secret of their own and never verify as one another.
 */
export function deriveKey(secret: string, purpose: string): Buffer {
  return createHmac('sha256', secret).update(`prenv:${purpose}`).digest();
}

export function createSigner(key: Buffer): Signer {
  const mac = (text: string) => createHmac('sha256', key).update(text).digest('base64url');
  return {
    sign(data, ttlMs, now) {
      const body = Buffer.from(JSON.stringify({ ...data, exp: now + ttlMs })).toString('base64url');
      return `${body}.${mac(body)}`;
    },
    verify<T extends object>(value: string | undefined, now: number): T | null {
      if (!value) return null;
      const dot = value.indexOf('.');
      if (dot < 0) return null;
      const body = value.slice(0, dot);
      const given = Buffer.from(value.slice(dot + 1));
      const expected = Buffer.from(mac(body));
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      try {
        const data = JSON.parse(Buffer.from(body, 'base64url').toString()) as { exp?: unknown };
        if (typeof data !== 'object' || data === null) return null;
        if (typeof data.exp !== 'number' || data.exp <= now) return null;
        return data as T;
      } catch {
        return null;
      }
    },
  };
}

/** Cookies of a request header (RFC 6265 `name=value; …`); the first of a repeated name wins. */
export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (name && !Object.hasOwn(out, name)) out[name] = part.slice(eq + 1).trim();
  }
  return out;
}

/** A `Set-Cookie` value: HttpOnly, SameSite=Lax, Path=/, Secure when served over https. */
export function setCookie(
  name: string,
  value: string,
  options: { maxAgeS: number; secure: boolean },
): string {
  return [
    `${name}=${value}`,
    'Path=/',
    `Max-Age=${Math.max(0, Math.floor(options.maxAgeS))}`,
    'HttpOnly',
    'SameSite=Lax',
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');
}
