/**
 * The shell scripts of prenv's PostgreSQL backup jobs (POSIX sh, as in the `postgres` and
 * `rclone/rclone` images). They are rendered into the jobs' `args` and run as they are by
 * test/backup, so the test exercises the very text Nomad runs.
 *
 * The dump task (prestart) writes a custom-format `pg_dump` into the allocation's shared
 * `data` directory; the upload task sends it to an S3-compatible bucket (Hetzner Object
 * Storage) with rclone and prunes this backup's objects older than the retention. Both read
 * their settings from the environment: PGADDR (host:port from Consul), PGDATABASE, PGUSER,
 * PGPASSWORD; BACKUP_NAME, BACKUP_BUCKET, BACKUP_PREFIX, BACKUP_RETENTION and rclone's own
 * RCLONE_S3_* variables.
 */
export const DUMP_SCRIPT = [
  'set -eu',
  'export PGHOST="${PGADDR%:*}" PGPORT="${PGADDR##*:}"',
  'out="${NOMAD_ALLOC_DIR:?}/data/${BACKUP_NAME:?}.dump"',
  'pg_dump --format=custom --no-owner --no-privileges --file="$out.partial"',
  'mv "$out.partial" "$out"',
  'echo "dumped $PGDATABASE to $out ($(wc -c < "$out") bytes)"',
].join('\n');

/** rclone filter glob of the UTC time in an object's name (`20260101T030000Z`). */
const DATE_GLOB = `${'[0-9]'.repeat(8)}T${'[0-9]'.repeat(6)}Z`;

export const UPLOAD_SCRIPT = [
  'set -eu',
  'file="${NOMAD_ALLOC_DIR:?}/data/${BACKUP_NAME:?}.dump"',
  'test -s "$file"',
  'remote=":s3:${BACKUP_BUCKET:?}/${BACKUP_PREFIX}"',
  'object="${BACKUP_NAME}-$(date -u +%Y%m%dT%H%M%SZ).dump"',
  'rclone copyto --s3-no-check-bucket "$file" "$remote$object"',
  'echo "uploaded $remote$object"',
  // Only this backup's own objects (`db-*` would also match `db-2-…`), and only in its own
  // folder: rclone delete recurses by default, into whatever is nested under the prefix.
  `rclone delete --max-depth 1 --min-age "\${BACKUP_RETENTION:?}" --include "\${BACKUP_NAME}-${DATE_GLOB}.dump" "$remote"`,
].join('\n');

/** `pg_restore` flags of the documented restore (README "Backups"), also run by the test. */
export const RESTORE_FLAGS = ['--clean', '--if-exists', '--no-owner', '--no-privileges'] as const;

/** The image of the upload task. */
export const RCLONE_IMAGE = 'rclone/rclone:1.68';
