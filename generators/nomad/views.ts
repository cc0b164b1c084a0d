/** What the Nomad templates read. Every key is always present (the templates run in strict mode). */

/** `pad` aligns the `=` of a block's attributes, as `nomad fmt` does. */
export interface MetaEntry {
  name: string;
  pad: string;
  value: string;
}

export interface VolumeView {
  name: string;
  source: string;
  readOnly: boolean;
}

export interface TaskView {
  name: string;
  /** A one-shot task that Nomad runs before the main task (`lifecycle` prestart). */
  prestart: boolean;
  image: string;
  ports: boolean;
  entrypoint: string[] | null;
  command: string | null;
  args: string[];
  /**
   * Padding after the single-line keys of the docker `config` block, so their `=` line up as
   * `nomad fmt` aligns them (multi-line lists such as `args` stand apart).
   */
  configPad: Record<'image' | 'ports' | 'command', string>;
  env: MetaEntry[];
  volumeMounts: { volume: string; destination: string; readOnly: boolean }[];
  template: { lines: string[]; files: { destination: string; data: string }[] } | null;
  /** Env-file lines with a private registry's credentials for the docker `auth` block, or null. */
  registryAuth: { lines: string[] } | null;
  resources: { cpu: number; memory: number };
}

export interface GroupView {
  name: string;
  count: number;
  port: number | null;
  volumes: VolumeView[];
  stateful: boolean;
  /** Nomad node name the group is constrained to (its host volumes live there), or null. */
  pinNode: string | null;
  /**
   * Group-level meta with the values that change on every deploy (`prenv_sha`, and a PR's
   * branch and title). Only groups whose task uses `{{sha}}` carry it: Nomad treats a change
   * of job-level meta as a change of every task and would restart all of them.
   */
  meta: MetaEntry[];
  service: { name: string; healthPath: string | null } | null;
  /** One-shot tasks run to completion before `task`, in name order. */
  prestart: TaskView[];
  task: TaskView;
}

interface JobCommon {
  name: string;
  /** The PR number as a string for preview placement, or null. */
  pr: string | null;
  meta: MetaEntry[];
}

export interface ServiceJobView extends JobCommon {
  update: { maxParallel: number; canary: number; autoPromote: boolean } | null;
  groups: GroupView[];
}

/** A backup job: a prestart dump task and an upload task in one group (nomad/backup-job). */
export interface BackupJobView extends JobCommon {
  cron: string;
  group: { name: string; dump: TaskView; upload: TaskView };
}

export interface PeriodicJobView extends JobCommon {
  cron: string;
  group: { name: string; volumes: VolumeView[]; pinNode: string | null; task: TaskView };
}

export function configPadding(
  present: Record<keyof TaskView['configPad'], boolean>,
): TaskView['configPad'] {
  const keys = Object.keys(present) as (keyof TaskView['configPad'])[];
  const width = Math.max(...keys.filter((k) => present[k]).map((k) => k.length));
  return Object.fromEntries(
    keys.map((k) => [k, ' '.repeat(Math.max(0, width - k.length))]),
  ) as TaskView['configPad'];
}

export function aligned(entries: { name: string; value: string }[]): MetaEntry[] {
  const width = Math.max(0, ...entries.map((e) => e.name.length));
  return entries.map((e) => ({ ...e, pad: ' '.repeat(width - e.name.length) }));
}
