import type { Config } from '../../bot/config/config.js';
import { consulServiceName, secretsPrefix, type EnvContext } from '../env-context.js';
import { json } from '../escape.js';
import type { ServicePart } from '../placeholders.js';
import { compare, type ResolvedTask } from '../resolve.js';

/**
 * The task's `template` blocks: secrets read from Consul KV and env values that need a
 * service address, written as consul-template text into `secrets/prenv.env` (`env = true`),
 * and each secret also byte for byte into its own file `secrets/<NAME>`.
 *
 * Nomad reads the env file with hashicorp/go-envparse (client/allocrunner/taskrunner/template),
 * which accepts only `\" \\ \n \t` inside double quotes and takes single-quoted text
 * literally. `toJSON` is therefore wrong there (it writes `&` as `\u0026`). Each value is
 * written single-quoted instead, with `'`, line feed and tab spliced in from short
 * double-quoted pieces (`'it'"'"'s'`), which the parser joins back into the exact value.
 * The parser refuses every other control byte (CR, NUL, ESC…) in any form, and reads lines
 * with bufio.Scanner, which ends at 64 KiB; so a value holding such a byte, or one whose line
 * reaches 64 KiB, stops the task with Nomad's template event instead of changing silently.
 * The file `secrets/<NAME>` carries any byte sequence of any length.
 */
export interface RuntimeEnvTemplate {
  /** One line of consul-template text per env variable, secrets first. */
  lines: string[];
  /** One file per secret: its destination in the task dir and the consul-template text. */
  files: { destination: string; data: string }[];
}

/** consul-template pipeline steps that turn a value into the body of a single-quoted envparse value. */
export const ENV_QUOTE_PIPELINE = [
  String.raw`replaceAll "'" "'\"'\"'"`,
  String.raw`replaceAll "\n" "'\"\\n\"'"`,
  String.raw`replaceAll "\t" "'\"\\t\"'"`,
].join(' | ');

/** `NAME='{{ <expr> | <quote pipeline> }}'`: one env-file line whose value is `expr`'s output. */
export function envLine(name: string, expr: string): string {
  return `${name}='{{ ${expr} | ${ENV_QUOTE_PIPELINE} }}'`;
}

const KV_PATH = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;

export function runtimeEnvTemplate(
  config: Config,
  ctx: EnvContext,
  task: ResolvedTask,
): RuntimeEnvTemplate | null {
  if (task.secrets.length === 0 && task.runtimeEnv.length === 0) return null;
  const prefix = secretsPrefix(config, ctx);
  const kvPath = (key: string): string => {
    const path = `${prefix}/${key}`;
    if (!KV_PATH.test(path)) throw new Error(`unexpected Consul KV path ${JSON.stringify(path)}`);
    return path;
  };
  const secrets = [...task.secrets].sort(compare).map((name) => ({ name, path: kvPath(name) }));
  const files = secrets.map((s) => ({
    destination: `secrets/${s.name}`,
    data: `{{ key ${json(s.path)} }}`,
  }));

  const services = new Map<string, Set<ServicePart>>();
  const secretVars = new Set<string>();
  for (const entry of task.runtimeEnv) {
    for (const seg of entry.segments) {
      if (seg.kind === 'service') {
        services.set(seg.name, (services.get(seg.name) ?? new Set()).add(seg.part));
      }
      if (seg.kind === 'secret') secretVars.add(seg.key);
    }
  }
  const lines: string[] = secrets.map((s) => envLine(s.name, `key ${json(s.path)}`));
  for (const [name, parts] of [...services].sort(([a], [b]) => compare(a, b))) {
    const used = PARTS.filter((p) => parts.has(p));
    const declare = used.map((p) => `{{ ${serviceVar(name, p)} := "" }}`).join('');
    const assign = used.map((p) => `{{ ${serviceVar(name, p)} = ${PART_VALUE[p]} }}`).join('');
    lines.push(
      `${declare}{{ with service ${json(consulServiceName(config, ctx, name))} }}` +
        `{{ with index . 0 }}${assign}{{ end }}{{ end }}`,
    );
  }
  for (const key of [...secretVars].sort(compare)) {
    lines.push(`{{ ${secretVar(key)} := key ${json(kvPath(key))} }}`);
  }
  for (const entry of task.runtimeEnv) {
    const parts = entry.segments.map((seg) =>
      seg.kind === 'text'
        ? json(seg.text)
        : seg.kind === 'service'
          ? serviceVar(seg.name, seg.part)
          : secretVar(seg.key),
    );
    lines.push(envLine(entry.name, `print ${parts.join(' ')}`));
  }
  return { lines, files };
}

const PARTS: readonly ServicePart[] = ['address', 'host', 'port'];

/** consul-template text of each part; `.Address` and `.Port` of Consul's healthy instance. */
const PART_VALUE: Record<ServicePart, string> = {
  address: 'printf "%s:%d" .Address .Port',
  host: '.Address',
  port: 'printf "%d" .Port',
};

/** `$service_x`, `$servicehost_x`, `$serviceport_x`: apart for any service name (no `_` in names). */
function serviceVar(name: string, part: ServicePart): string {
  const prefix = part === 'address' ? 'service' : `service${part}`;
  return `$${prefix}_${name.replace(/-/g, '_')}`;
}

function secretVar(key: string): string {
  return `$secret_${key}`;
}
