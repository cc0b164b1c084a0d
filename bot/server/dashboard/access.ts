/** What a signed session cookie holds (and nothing secret: no GitHub token). */
export interface Session {
  login: string;
  /** The user could read the repository when they signed in (GitHub's `permissions.pull`). */
  read: boolean;
}

export type Access = 'signed_out' | 'no_access' | 'read';

/** Who may see the dashboard: only a signed-in user whose read access GitHub confirmed. */
export function accessOf(session: Session | null): Access {
  if (!session || typeof session.login !== 'string' || session.login === '') return 'signed_out';
  return session.read === true ? 'read' : 'no_access';
}

/**
 * Whether a repository answer (`GET /repos/{owner}/{repo}` with the user's token) grants read:
 * GitHub lists the user's `permissions` (`admin`, `maintain`, `push`, `triage`, `pull`); any of
 * them implies pull. A repository the user cannot see answers 404 and never gets here.
 */
export function canRead(repository: unknown): boolean {
  const permissions = (repository as { permissions?: Record<string, unknown> } | null)?.permissions;
  if (!permissions || typeof permissions !== 'object') return false;
  return ['pull', 'triage', 'push', 'maintain', 'admin'].some((p) => permissions[p] === true);
}
