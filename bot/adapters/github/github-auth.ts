import { createPrivateKey } from 'node:crypto';
import { parseWholeNumberSetting } from '../../core/whole-number-setting.js';

/** A GitHub App's or installation's id: a positive integer (GitHub's REST API `id` fields). */
function githubId(name: string, raw: string) {
  return parseWholeNumberSetting(name, raw, {
    what: 'a GitHub id',
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
    example: 123456,
  });
}

/** What is wrong with a set PRENV_APP_ID or PRENV_INSTALLATION_ID (one line each). */
export function githubIdProblems(env: Record<string, string | undefined>): string[] {
  return (['PRENV_APP_ID', 'PRENV_INSTALLATION_ID'] as const).flatMap((name) => {
    const raw = env[name];
    const parsed = raw ? githubId(name, raw) : undefined;
    return parsed && !parsed.ok ? [parsed.error] : [];
  });
}

export type GitHubAuth =
  | { mode: 'app'; appId: string; privateKey: string; installationId: number }
  | { mode: 'token'; token: string };

/** Reads GitHub credentials from PRENV_* variables; token mode is for trying prenv out. */
export function githubAuthFromEnv(
  env: Record<string, string | undefined>,
  installationId?: number,
): GitHubAuth | { error: string } {
  if (env.PRENV_APP_ID && env.PRENV_PRIVATE_KEY) {
    const privateKey = readPrivateKey(env.PRENV_PRIVATE_KEY);
    const keyProblem = privateKeyProblem(privateKey);
    if (keyProblem) return { error: keyProblem };
    const appId = githubId('PRENV_APP_ID', env.PRENV_APP_ID);
    if (!appId.ok) return { error: appId.error };
    let id = installationId;
    if (id === undefined) {
      if (!env.PRENV_INSTALLATION_ID)
        return {
          error: 'PRENV_INSTALLATION_ID is not set (and no webhook named the installation)',
        };
      const parsed = githubId('PRENV_INSTALLATION_ID', env.PRENV_INSTALLATION_ID);
      if (!parsed.ok) return { error: parsed.error };
      id = parsed.value;
    }
    return { mode: 'app', appId: env.PRENV_APP_ID, privateKey, installationId: id };
  }
  if (env.PRENV_GITHUB_TOKEN) return { mode: 'token', token: env.PRENV_GITHUB_TOKEN };
  return {
    error:
      'no GitHub credentials: set PRENV_APP_ID and PRENV_PRIVATE_KEY for the GitHub App, ' +
      'or PRENV_GITHUB_TOKEN to try prenv with a personal token',
  };
}

/** PRENV_PRIVATE_KEY as PEM text: a one-line value may write its newlines as `\\n`. */
export function readPrivateKey(value: string): string {
  return value.replace(/\\n/g, '\n');
}

/**
 * Why `pem` cannot sign the App's JWTs, with the fix, or null when Node can read it as a private
 * key (GitHub hands out PKCS#1 RSA keys; PKCS#8 works too). Like probot's error helper, this turns
 * the library's late "secretOrPrivateKey must be an asymmetric key" into a sentence at start.
 */
export function privateKeyProblem(pem: string): string | null {
  try {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType === 'rsa') return null;
    return (
      `PRENV_PRIVATE_KEY is a ${key.asymmetricKeyType ?? 'non-RSA'} key; GitHub Apps sign with RSA: ` +
      "set it to the .pem file GitHub generated (the App's settings, Private keys)"
    );
  } catch (err) {
    const reason = (err as { code?: string }).code ?? 'unreadable';
    return (
      `PRENV_PRIVATE_KEY is not a PEM private key (${reason}): set it to the whole .pem file ` +
      'GitHub generated for the App, from "-----BEGIN RSA PRIVATE KEY-----" to its END line ' +
      '(newlines may be written as \\n), e.g. PRENV_PRIVATE_KEY="$(cat app.private-key.pem)"; ' +
      "a lost key cannot be downloaded again: generate a new one in the App's settings, Private keys"
    );
  }
}
