/**
 * The state store failed in a way the operator must fix (a read-only file, a corrupt database,
 * a full disk). The message names the file and what to do; `code` is SQLite's error code.
 */
export class StateStoreError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'StateStoreError';
  }
}

export const CORRUPT_HINT =
  'the file is not a readable prenv state (corrupt or another kind of file): move it aside and restart; the reconciler rebuilds the environments from GitHub and the cloud';

/** SQLite's primary result codes (sqlite.org/rescode.html) → what the operator should do. */
const HINTS: [RegExp, string][] = [
  [
    /^SQLITE_READONLY/,
    'the file (or its folder, which holds the -wal and -shm files) is read-only: give the bot write access to both',
  ],
  [
    /^SQLITE_CANTOPEN/,
    'the file cannot be opened: check that its folder exists and is writable by the bot (PRENV_STATE names the file)',
  ],
  [/^SQLITE_(NOTADB|CORRUPT)/, CORRUPT_HINT],
  [/^SQLITE_FULL/, 'the disk is full: free space on the disk that holds the file'],
  [/^SQLITE_IOERR/, 'the disk reported an I/O error: check the disk and its free space'],
  [
    /^SQLITE_(BUSY|LOCKED)/,
    'another process holds the file locked: run one bot per state file (stop the other, or give each its own PRENV_STATE)',
  ],
  [/^SQLITE_PERM/, 'the bot is not allowed to access the file: check its permissions'],
];

/** Wraps a better-sqlite3 error with the file and the fix; other errors pass through unchanged. */
export function toStateStoreError(err: unknown, file: string, doing: string): unknown {
  if (err instanceof StateStoreError) return err;
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return err;
  const hint = HINTS.find(([re]) => re.test(code))?.[1] ?? 'see the SQLite error above';
  return new StateStoreError(
    `state file ${file}: ${doing} failed (${code}: ${(err as Error).message}); ${hint}`,
    file,
    code,
  );
}
