/** Findings of the jobspec validator and how they read. */

/**
 * When Nomad would notice the problem:
 * - parse: `nomad job run` / jobspec2 cannot decode the file;
 * - validate: the server rejects the job (Job.Validate and friends);
 * - driver: the client rejects the task's driver config when the task starts;
 * - api-json: a key of API JSON that Nomad's HTTP API would silently ignore;
 * - enterprise / ignored / deprecated: accepted, but with a catch (warnings).
 */
export type JobspecStage =
  'parse' | 'validate' | 'driver' | 'api-json' | 'enterprise' | 'ignored' | 'deprecated';

export interface JobspecIssue {
  severity: 'error' | 'warning';
  stage: JobspecStage;
  /** Block path such as `job "web" > group "frontend" > task "server"`. */
  path: string;
  /** The attribute or block the finding is about, when there is one. */
  key?: string;
  /** What is wrong, without the path. */
  detail: string;
  /** The Nomad code or rule that enforces it. */
  source?: string;
  /** One line for a person: path, detail, consequence and source. */
  message: string;
}

const consequence: Record<JobspecStage, string> = {
  parse: 'Nomad would not parse this',
  validate: 'Nomad would reject this job',
  driver: 'the task would fail to start',
  'api-json': "Nomad's HTTP API would silently ignore it",
  enterprise: 'only Nomad Enterprise accepts this',
  ignored: 'Nomad accepts this but ignores it',
  deprecated: 'deprecated',
};

const warningStages: ReadonlySet<JobspecStage> = new Set(['enterprise', 'ignored', 'deprecated']);

export function issue(
  stage: JobspecStage,
  path: string,
  detail: string,
  extra: { key?: string; source?: string } = {},
): JobspecIssue {
  const cited = extra.source ? ` (${extra.source})` : '';
  return {
    severity: warningStages.has(stage) ? 'warning' : 'error',
    stage,
    path,
    ...(extra.key === undefined ? {} : { key: extra.key }),
    detail,
    ...(extra.source === undefined ? {} : { source: extra.source }),
    message: `${path}: ${detail} — ${consequence[stage]}${cited}`,
  };
}

/** One step of a block path: `group "frontend"`, `check`, `service[1]`. */
export function pathSegment(name: string, labels: readonly string[], index?: number): string {
  const labelText = labels.map((label) => ` ${JSON.stringify(label)}`).join('');
  return `${name}${labelText}${index === undefined ? '' : `[${index}]`}`;
}

export function joinPath(parent: string, segment: string): string {
  return parent === '' ? segment : `${parent} > ${segment}`;
}

export function quote(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}
