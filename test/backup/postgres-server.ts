import { chmodSync, chownSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { startOnFreePorts } from '../support/local-process.js';

/** Debian's PostgreSQL 15 server binaries (package postgresql-15). */
export const PG_BIN = '/usr/lib/postgresql/15/bin';

/**
 * The PostgreSQL 15 binaries, or an error saying how to install them. The backup test fails,
 * never skips, without them.
 */
export function requirePostgres(): string {
  if (!existsSync(path.join(PG_BIN, 'initdb'))) {
    throw new Error(
      `PostgreSQL 15 server binaries are needed by the backup restore test and are not at ${PG_BIN}: ` +
        'install them with `apt-get install postgresql-15` (Debian/Ubuntu).',
    );
  }
  return PG_BIN;
}

export interface PostgresServer {
  port: number;
  password: string;
  stop(): Promise<void>;
}

/**
 * A throw-away PostgreSQL 15 on 127.0.0.1 in `dir`, with password (SCRAM) authentication for
 * user `postgres`. As root it runs as the system user `postgres` (PostgreSQL refuses root).
 */
export async function startPostgres(dir: string, password: string): Promise<PostgresServer> {
  const bin = requirePostgres();
  const asRoot = process.getuid?.() === 0;
  const data = path.join(dir, 'data');
  const sockets = path.join(dir, 'sockets');
  mkdirSync(sockets, { recursive: true });
  const pwfile = path.join(dir, 'pwfile');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (asRoot) {
    const { stdout } = await execa('id', ['-u', 'postgres']);
    const { stdout: gid } = await execa('id', ['-g', 'postgres']);
    for (const p of [dir, sockets, pwfile]) chownSync(p, Number(stdout), Number(gid));
    chmodSync(dir, 0o755);
  }
  const run = (file: string, args: string[]) =>
    asRoot ? execa('runuser', ['-u', 'postgres', '--', file, ...args]) : execa(file, args);
  await run(path.join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=scram-sha-256',
    `--pwfile=${pwfile}`,
    '--no-sync',
    '--encoding=UTF8',
    '--locale=C',
  ]);
  const port = await startOnFreePorts(1, async ([port]) => {
    await run(path.join(bin, 'pg_ctl'), [
      '-D',
      data,
      '-l',
      path.join(dir, 'server.log'),
      '-o',
      `-c listen_addresses=127.0.0.1 -p ${port} -k ${sockets} -c fsync=off`,
      '-w',
      'start',
    ]).catch(async (err: unknown) => {
      // pg_ctl says only "could not start server"; the reason is in the server's log.
      const log = await readFile(path.join(dir, 'server.log'), 'utf8').catch(() => '');
      throw new Error(`${err instanceof Error ? err.message : String(err)}\n${log}`);
    });
    return port as number;
  });
  return {
    port,
    password,
    stop: async () => {
      await run(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
    },
  };
}
