/** What every setting reads its environment variable with. */
export type Env = Record<string, string | undefined>;

/**
 * A variable set to the empty string counts as unset: CI systems expand a secret that is not
 * defined to "" (GitHub Actions does), and "" is never a valid address, path or token.
 */
export function withoutEmpty(env: Env): Env {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
}

export function isHttpUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const { protocol } = new URL(text);
  return protocol === 'http:' || protocol === 'https:';
}

/** `scheme://user:pass@host/…` → `scheme://***@host/…`: credentials are not echoed. */
export function redactUserinfo(text: string): string {
  return text.replace(/^([^:/]+:\/\/)[^/?#]*@/, '$1***@');
}
