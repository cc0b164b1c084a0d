import { describe, expect, it } from 'vitest';
import {
  createSigner,
  deriveKey,
  parseCookies,
  setCookie,
} from '../../../bot/server/dashboard/session.js';

const NOW = 1_700_000_000_000;
const signer = createSigner(deriveKey('server-secret-for-tests', 'session'));

describe('signed cookie values', () => {
  it('reads back what was signed until it expires', () => {
    const value = signer.sign({ login: 'octocat', read: true }, 60_000, NOW);
    expect(signer.verify(value, NOW + 59_999)).toMatchObject({ login: 'octocat', read: true });
    expect(signer.verify(value, NOW + 60_000)).toBeNull();
  });

  it.each([
    [
      'a changed body',
      (v: string) =>
        `${Buffer.from('{"login":"admin","read":true,"exp":9e15}').toString('base64url')}.${v.split('.')[1]}`,
    ],
    ['a changed signature', (v: string) => `${v.slice(0, -2)}AA`],
    ['no signature', (v: string) => v.split('.')[0]!],
    ['empty', () => ''],
    ['garbage', () => '%%%.%%%'],
    [
      'signed with another key',
      () =>
        createSigner(deriveKey('other-secret', 'session')).sign(
          { login: 'x', read: true },
          60_000,
          NOW,
        ),
    ],
    [
      'signed for another purpose',
      () =>
        createSigner(deriveKey('server-secret-for-tests', 'oauth-state')).sign(
          { login: 'x', read: true },
          60_000,
          NOW,
        ),
    ],
  ])('refuses %s', (_name, forge) => {
    const value = signer.sign({ login: 'octocat', read: false }, 60_000, NOW);
    expect(signer.verify(forge(value), NOW)).toBeNull();
  });

  it('parses cookies, the first of a repeated name winning', () => {
    expect(parseCookies('a=1; b=x=y;a=2; ; c')).toEqual({ a: '1', b: 'x=y' });
    expect(parseCookies(undefined)).toEqual({});
  });

  it('sets HttpOnly, SameSite=Lax cookies, Secure only over https', () => {
    expect(setCookie('s', 'v', { maxAgeS: 60, secure: true })).toBe(
      's=v; Path=/; Max-Age=60; HttpOnly; SameSite=Lax; Secure',
    );
    expect(setCookie('s', '', { maxAgeS: 0, secure: false })).toBe(
      's=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax',
    );
  });
});
