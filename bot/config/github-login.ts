/**
 * GitHub's rule for user and organization names (its sign-up form says: "may only contain
 * alphanumeric characters or single hyphens, and cannot begin or end with a hyphen"; at most
 * 39 characters). Checked before a name goes into a URL or a generated file.
 */
const LOGIN = /^[A-Za-z0-9](?:-?[A-Za-z0-9])*$/;
export const GITHUB_LOGIN_MAX = 39;

/** Why `name` cannot be a GitHub user or organization name, or null when it can. */
export function githubLoginProblem(name: string): string | null {
  if (name === '') return 'is empty';
  if (name.length > GITHUB_LOGIN_MAX)
    return `has ${name.length} characters; GitHub names have at most ${GITHUB_LOGIN_MAX}`;
  if (name.startsWith('-') || name.endsWith('-')) return 'cannot begin or end with a hyphen';
  if (name.includes('--')) return 'cannot hold two hyphens in a row';
  if (!LOGIN.test(name)) return 'may hold only letters, digits and single hyphens';
  return null;
}
