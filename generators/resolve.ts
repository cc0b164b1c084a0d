import type { Config } from '../bot/config/config.js';
import { envHost, envName, type EnvContext } from './env-context.js';
import type { RenderProblem } from './errors.js';
import { parsePlaceholders, type PlaceholderKind, type Segment } from './placeholders.js';

/** What a task runs, with every render-time placeholder replaced. */
export interface ResolvedTask {
  image: string;
  entrypoint: string[] | null;
  command: string | null;
  args: string[];
  /** Values known now; they go into the task's `env` block. */
  env: { name: string; value: string }[];
  /** Values with `{{service.X}}` or `{{secret.X}}`; Nomad renders them at run time. */
  runtimeEnv: { name: string; segments: RuntimeSegment[] }[];
  secrets: string[];
}

export type RuntimeSegment = Extract<Segment, { kind: 'text' | 'service' | 'secret' }>;

export interface TaskSource {
  image: string;
  entrypoint?: string[] | undefined;
  command?: string | undefined;
  args: string[];
  env: Record<string, string>;
  secrets: string[];
}

const NEEDS_SHA = 'uses {{sha}}, so a commit SHA is needed (pass --sha)';

const SHA = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

const ALLOWED: Record<'image' | 'command' | 'env', ReadonlySet<PlaceholderKind>> = {
  image: new Set(['sha', 'env']),
  command: new Set(['sha', 'env', 'host']),
  env: new Set(['sha', 'env', 'host', 'service', 'secret']),
};

/** The value as JSON, cut to 60 characters with its length, so a pasted blob stays readable. */
function shown(value: string): string {
  return value.length <= 60
    ? JSON.stringify(value)
    : `${JSON.stringify(value.slice(0, 60))}… (${value.length} characters)`;
}

export function checkSha(ctx: EnvContext): RenderProblem[] {
  if (ctx.sha === undefined || SHA.test(ctx.sha)) return [];
  return [
    {
      path: 'sha',
      option: '--sha',
      message: `${shown(ctx.sha)} is not a commit SHA or image tag (letters, digits, ".", "_", "-", not starting with "." or "-", at most 128 characters as Docker allows)`,
    },
  ];
}

/** Resolves one service or periodic job; problems are appended to `problems`. */
export function resolveTask(
  config: Config,
  ctx: EnvContext,
  source: TaskSource,
  at: string,
  problems: RenderProblem[],
): ResolvedTask {
  const expand = (value: string, field: keyof typeof ALLOWED, path: string): Segment[] => {
    const parsed = parsePlaceholders(value);
    if (!parsed.ok) {
      problems.push({ path, message: parsed.message });
      return [];
    }
    for (const seg of parsed.segments) {
      const problem = segmentProblem(config, ctx, source, seg, field);
      if (problem === NEEDS_SHA) problems.push({ path, message: problem, option: '--sha' });
      else if (problem) problems.push({ path, message: problem });
    }
    return parsed.segments;
  };
  const staticText = (segments: Segment[]): string =>
    segments.map((s) => staticValue(config, ctx, s) ?? '').join('');

  const image = staticText(expand(source.image, 'image', `${at}.image`));
  const command =
    source.command === undefined
      ? null
      : staticText(expand(source.command, 'command', `${at}.command`));
  const args = source.args.map((a, i) => staticText(expand(a, 'command', `${at}.args.${i}`)));
  const entrypoint =
    source.entrypoint?.map((a, i) => staticText(expand(a, 'command', `${at}.entrypoint.${i}`))) ??
    null;
  const env: ResolvedTask['env'] = [];
  const runtimeEnv: ResolvedTask['runtimeEnv'] = [];
  for (const [name, value] of Object.entries(source.env).sort(([a], [b]) => compare(a, b))) {
    const segments = expand(value, 'env', `${at}.env.${name}`);
    if (segments.some((s) => s.kind === 'service' || s.kind === 'secret')) {
      runtimeEnv.push({ name, segments: toRuntime(config, ctx, segments) });
    } else {
      env.push({ name, value: staticText(segments) });
    }
  }
  return { image, entrypoint, command, args, env, runtimeEnv, secrets: [...source.secrets] };
}

function segmentProblem(
  config: Config,
  ctx: EnvContext,
  source: TaskSource,
  seg: Segment,
  field: keyof typeof ALLOWED,
): string | undefined {
  if (seg.kind === 'text') return undefined;
  if (!ALLOWED[field].has(seg.kind)) {
    return `${describe(seg)} cannot be used here (only in env values, resolved when the task starts)`;
  }
  if (seg.kind === 'sha' && ctx.sha === undefined) return NEEDS_SHA;
  if (seg.kind === 'service') {
    const target = config.services[seg.name];
    if (!target)
      return `${describe(seg)} names no service (services: ${Object.keys(config.services).join(', ')})`;
    if (target.port === undefined) return `${describe(seg)}: service "${seg.name}" has no port`;
  }
  if (seg.kind === 'secret' && !source.secrets.includes(seg.key)) {
    return `${describe(seg)}: add "${seg.key}" to this service's secrets first`;
  }
  return undefined;
}

function describe(seg: Exclude<Segment, { kind: 'text' }>): string {
  if (seg.kind === 'service')
    return `{{service.${seg.name}${seg.part === 'address' ? '' : `.${seg.part}`}}}`;
  if (seg.kind === 'secret') return `{{secret.${seg.key}}}`;
  return `{{${seg.kind}}}`;
}

function staticValue(config: Config, ctx: EnvContext, seg: Segment): string | undefined {
  switch (seg.kind) {
    case 'text':
      return seg.text;
    case 'sha':
      return ctx.sha;
    case 'env':
      return envName(ctx);
    case 'host':
      return envHost(config, ctx);
    default:
      return undefined;
  }
}

/** Folds the placeholders known now into text, keeping only run-time ones. */
function toRuntime(config: Config, ctx: EnvContext, segments: Segment[]): RuntimeSegment[] {
  const out: RuntimeSegment[] = [];
  for (const seg of segments) {
    const value = staticValue(config, ctx, seg);
    const next: RuntimeSegment | undefined =
      value !== undefined
        ? { kind: 'text', text: value }
        : seg.kind === 'service' || seg.kind === 'secret'
          ? seg
          : undefined;
    if (!next) continue;
    const prev = out.at(-1);
    if (next.kind === 'text' && prev?.kind === 'text') prev.text += next.text;
    else out.push(next.kind === 'text' ? { ...next } : next);
  }
  return out;
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
