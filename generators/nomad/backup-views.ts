import type { Config } from '../../bot/config/config.js';
import type { PeriodicJobConfig } from '../../bot/config/schema.js';
import { DUMP_SCRIPT, RCLONE_IMAGE, UPLOAD_SCRIPT } from '../backup/scripts.js';
import { envJobName, envName, type EnvContext } from '../env-context.js';
import type { RenderProblem } from '../errors.js';
import { compare } from '../resolve.js';
import { ownershipMeta, revisionMeta, taskView } from './job-views.js';
import { aligned, type BackupJobView } from './views.js';

/** Names of the bucket credentials in Consul KV, next to the env's other secrets. */
export const BACKUP_SECRETS = ['BACKUP_S3_ACCESS_KEY_ID', 'BACKUP_S3_SECRET_ACCESS_KEY'] as const;

/**
 * The backup jobs of `backups.postgres` that run in this env: `<project>-<env>-backup-<name>`,
 * a periodic batch job whose prestart task dumps the database with the service's own image
 * (so `pg_dump` matches the server's major version) and whose main task uploads the dump
 * with rclone (`:s3:` remote configured by RCLONE_S3_* variables, rclone docs "S3") and
 * prunes objects older than `retention`.
 */
export function backupJobViews(
  config: Config,
  ctx: EnvContext,
  problems: RenderProblem[],
): BackupJobView[] {
  const backups = config.backups;
  if (!backups) return [];
  return Object.entries(backups.postgres)
    .filter(([, b]) => b.environments.includes(ctx.kind))
    .sort(([a], [b]) => compare(a, b))
    .map(([name, b]) => {
      const svc = config.services[b.service];
      const at = `backups.postgres.${name}`;
      const common = { cron: b.cron, volumes: [], environments: b.environments };
      const dump: PeriodicJobConfig = {
        ...common,
        image: svc?.image ?? 'postgres',
        command: '/bin/sh',
        args: ['-c', DUMP_SCRIPT],
        env: {
          BACKUP_NAME: name,
          PGADDR: `{{service.${b.service}}}`,
          PGDATABASE: b.database,
          PGUSER: b.user,
          PGPASSWORD: `{{secret.${b.password_secret}}}`,
        },
        secrets: [b.password_secret],
        resources: { cpu: 200, memory: 256 },
      };
      const upload: PeriodicJobConfig & { entrypoint: string[] } = {
        ...common,
        image: RCLONE_IMAGE,
        entrypoint: ['/bin/sh'],
        command: '-c',
        args: [UPLOAD_SCRIPT],
        env: {
          BACKUP_NAME: name,
          BACKUP_BUCKET: backups.s3.bucket,
          // Each env its own folder, also under a shared prefix: staging's dumps must never
          // sit among production's, where a restore or a prune could take them for its own.
          BACKUP_PREFIX: `${backups.s3.prefix ?? `${config.project}/`}${envName(ctx)}/`,
          BACKUP_RETENTION: backups.retention,
          RCLONE_S3_PROVIDER: 'Other',
          RCLONE_S3_ENDPOINT: backups.s3.endpoint,
          RCLONE_S3_REGION: backups.s3.region,
          RCLONE_S3_ACCESS_KEY_ID: `{{secret.${BACKUP_SECRETS[0]}}}`,
          RCLONE_S3_SECRET_ACCESS_KEY: `{{secret.${BACKUP_SECRETS[1]}}}`,
        },
        secrets: [...BACKUP_SECRETS],
        resources: { cpu: 200, memory: 256 },
      };
      return {
        name: `${envJobName(config, ctx)}-backup-${name}`,
        pr: ctx.kind === 'pr' ? String(ctx.number) : null,
        meta: aligned([...ownershipMeta(config, ctx), ...revisionMeta(ctx)]),
        cron: b.cron,
        group: {
          name: `backup-${name}`,
          dump: taskView(config, ctx, 'dump', dump, at, { ports: false, prestart: true }, problems),
          upload: taskView(
            config,
            ctx,
            'upload',
            upload,
            at,
            { ports: false, prestart: false },
            problems,
          ),
        },
      };
    });
}
