import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from '@cdktf/hcl2json';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESTORE_FLAGS } from '../../generators/backup/scripts.js';
import { renderEnvironment } from '../../generators/render-environment.js';
import { decodeHclTemplateLiteral } from '../generators/injection-corpus.js';
import { exampleConfig, repoTemplates } from '../generators/render-support.js';
import { repoRoot } from '../support/tools.js';
import { PG_BIN, startPostgres, type PostgresServer } from './postgres-server.js';

/*
 * The backup job of examples/quetrex, run for real: its dump task's script against a real
 * PostgreSQL 15 on loopback, its upload task's script with a stand-in `rclone` that keeps the
 * "bucket" in a directory, then the restore the README documents, into an emptied database.
 */

type Json = Record<string, unknown>;

/** The `args` of a task of the rendered backup job, as Nomad reads them from the HCL. */
async function renderedScript(task: 'dump' | 'upload'): Promise<string> {
  const files = renderEnvironment(
    exampleConfig('quetrex'),
    { kind: 'production', sha: 'abc1234' },
    await repoTemplates(),
  );
  const file = files.find((f) => f.path === 'quetrex-production-backup-db.nomad.hcl')!;
  const hcl = (await parse(file.path, file.content)) as Json;
  const job = ((hcl.job as Json)['quetrex-production-backup-db'] as Json[])[0]!;
  const group = ((job.group as Json)['backup-db'] as Json[])[0]!;
  const config = (((group.task as Json)[task] as Json[])[0]!.config as Json[])[0]!;
  const args = (config.args as string[]).map(decodeHclTemplateLiteral);
  return args[args.length - 1]!;
}

/**
 * Stands in for rclone in the upload task: `copyto SRC :s3:BUCKET/KEY` and
 * `delete [--max-depth N] --min-age DURATION --include GLOB :s3:BUCKET/PREFIX` (rclone's
 * documented flags), with the bucket as a directory. Like rclone, delete recurses into every
 * folder under the prefix unless --max-depth says otherwise. Only days are supported for
 * --min-age, which is what prenv renders from a retention in days.
 */
const FAKE_RCLONE = `#!/bin/sh
set -eu
echo "$*" >> "$BUCKETS/rclone.log"
local_path() { p="\${1#:s3:}"; printf '%s/%s' "$BUCKETS" "$p"; }
case "$1" in
  copyto)
    shift
    [ "$1" = "--s3-no-check-bucket" ] && shift
    dest=$(local_path "$2"); mkdir -p "$(dirname "$dest")"; cp "$1" "$dest" ;;
  delete)
    shift; depth=; days=; glob=
    while [ $# -gt 1 ]; do
      case "$1" in
        --max-depth) depth="-maxdepth $2"; shift 2 ;;
        --min-age) days=\${2%d}; shift 2 ;;
        --include) glob=$2; shift 2 ;;
        *) echo "unexpected rclone flag: $1" >&2; exit 2 ;;
      esac
    done
    dir=$(local_path "$1")
    find "$dir" $depth -type f -name "$glob" -mtime "+$((days - 1))" -exec rm -f {} + ;;
  *) echo "unexpected rclone call: $*" >&2; exit 2 ;;
esac
`;

let dir: string;
let pg: PostgresServer;
const PASSWORD = `pa'ss "w&rd" $x\\ ü`;

const psql = (db: string, sql: string) =>
  execa(
    'psql',
    [
      '-X',
      '-q',
      '-A',
      '-t',
      '-v',
      'ON_ERROR_STOP=1',
      '-h',
      '127.0.0.1',
      '-p',
      String(pg.port),
      '-U',
      'postgres',
      '-d',
      db,
      '-c',
      sql,
    ],
    {
      env: { PGPASSWORD: PASSWORD },
    },
  );

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'prenv-backup-'));
  chmodSync(dir, 0o755);
  pg = await startPostgres(path.join(dir, 'pg'), PASSWORD);
  await psql('postgres', 'CREATE DATABASE quetrex');
  await psql(
    'quetrex',
    `CREATE TABLE invoices (id serial PRIMARY KEY, customer text NOT NULL, note text);
     INSERT INTO invoices (customer, note) VALUES
       ('Zoë Ångström', 'multi
line'), ('O''Brien & Sons', '<b>"quoted"</b> \\ $HOME'), ('株式会社', NULL);`,
  );
}, 120_000);

afterAll(async () => {
  await pg?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('PostgreSQL backups leave the node and restore', () => {
  it('dumps, uploads, prunes by retention, and restores into an emptied database', async () => {
    const alloc = path.join(dir, 'alloc');
    const buckets = path.join(dir, 'buckets');
    const bin = path.join(dir, 'bin');
    for (const d of [path.join(alloc, 'data'), buckets, bin]) mkdirSync(d, { recursive: true });
    writeFileSync(path.join(bin, 'rclone'), FAKE_RCLONE, { mode: 0o755 });

    // Dump task: the rendered script, with what Nomad and the template give it.
    const dump = await execa('/bin/sh', ['-c', await renderedScript('dump')], {
      env: {
        PATH: `${PG_BIN}:/usr/bin:/bin`,
        NOMAD_ALLOC_DIR: alloc,
        BACKUP_NAME: 'db',
        PGADDR: `127.0.0.1:${pg.port}`,
        PGDATABASE: 'quetrex',
        PGUSER: 'postgres',
        PGPASSWORD: PASSWORD,
      },
      extendEnv: false,
    });
    expect(dump.stdout).toMatch(/^dumped quetrex to .*\/data\/db\.dump \(\d+ bytes\)$/);

    // An old backup past the 30-day retention and a recent one, already in the bucket.
    const prefix = path.join(buckets, 'quetrex-backups', 'quetrex', 'production');
    mkdirSync(prefix, { recursive: true });
    const old = path.join(prefix, 'db-20240101T030000Z.dump');
    const recent = path.join(prefix, 'db-20240301T030000Z.dump');
    const other = path.join(prefix, 'media-20240101T030000Z.tar');
    // Not this backup's: another database whose name starts with "db-", and a folder nested
    // under the prefix (say, another env's or an operator's archive).
    const sibling = path.join(prefix, 'db-2-20240101T030000Z.dump');
    mkdirSync(path.join(prefix, 'archive'));
    const nested = path.join(prefix, 'archive', 'db-20240101T030000Z.dump');
    for (const f of [old, recent, other, sibling, nested]) writeFileSync(f, 'x');
    const day = 86_400;
    const now = Date.now() / 1000;
    utimesSync(old, now - 40 * day, now - 40 * day);
    for (const f of [other, sibling, nested]) utimesSync(f, now - 40 * day, now - 40 * day);
    utimesSync(recent, now - 3 * day, now - 3 * day);

    // Upload task: the rendered script with the env of the rendered job.
    const upload = await execa('/bin/sh', ['-c', await renderedScript('upload')], {
      env: {
        PATH: `${bin}:/usr/bin:/bin`,
        BUCKETS: buckets,
        NOMAD_ALLOC_DIR: alloc,
        BACKUP_NAME: 'db',
        BACKUP_BUCKET: 'quetrex-backups',
        BACKUP_PREFIX: 'quetrex/production/',
        BACKUP_RETENTION: '30d',
      },
      extendEnv: false,
    });
    const uploaded =
      /uploaded :s3:quetrex-backups\/quetrex\/production\/(db-\d{8}T\d{6}Z\.dump)/.exec(
        upload.stdout,
      )?.[1];
    expect(uploaded).toBeDefined();
    expect(readdirSync(prefix).sort()).toEqual(
      [
        uploaded!,
        'archive',
        'db-20240301T030000Z.dump',
        'db-2-20240101T030000Z.dump',
        'media-20240101T030000Z.tar',
      ].sort(),
    );
    expect(readdirSync(path.join(prefix, 'archive'))).toEqual(['db-20240101T030000Z.dump']);

    // Disaster: the database is gone. Restore as the README says, from the bucket's copy.
    await psql('postgres', 'DROP DATABASE quetrex');
    await psql('postgres', 'CREATE DATABASE quetrex');
    await execa(
      path.join(PG_BIN, 'pg_restore'),
      [
        ...RESTORE_FLAGS,
        `--dbname=postgresql://postgres@127.0.0.1:${pg.port}/quetrex`,
        path.join(prefix, uploaded!),
      ],
      { env: { PGPASSWORD: PASSWORD } },
    );
    const rows = await psql(
      'quetrex',
      "SELECT customer || '|' || coalesce(note, '∅') FROM invoices ORDER BY id",
    );
    expect(rows.stdout.split('\n')).toEqual([
      'Zoë Ångström|multi',
      'line',
      `O'Brien & Sons|<b>"quoted"</b> \\ $HOME`,
      '株式会社|∅',
    ]);
    // A second restore over existing data works too (--clean --if-exists).
    await execa(
      path.join(PG_BIN, 'pg_restore'),
      [
        ...RESTORE_FLAGS,
        `--dbname=postgresql://postgres@127.0.0.1:${pg.port}/quetrex`,
        path.join(prefix, uploaded!),
      ],
      { env: { PGPASSWORD: PASSWORD } },
    );
    expect((await psql('quetrex', 'SELECT count(*) FROM invoices')).stdout).toBe('3');
  }, 120_000);

  it('the README documents the restore the test performs', () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    expect(readme).toContain(`pg_restore ${RESTORE_FLAGS.join(' ')}`);
  });
});
