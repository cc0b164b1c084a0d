import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * The variable files Terraform loads by itself from a root module: `terraform.tfvars`,
 * `terraform.tfvars.json` and `*.auto.tfvars(.json)` (Terraform's "Variable Definitions
 * Precedence"). A `-var-file` given on the command line overrides all of them.
 */
function isAutoLoaded(name: string): boolean {
  return (
    name === 'terraform.tfvars' ||
    name === 'terraform.tfvars.json' ||
    name.endsWith('.auto.tfvars') ||
    name.endsWith('.auto.tfvars.json')
  );
}

/**
 * hcl2json, imported on first use: importing it starts its Go WebAssembly runtime, which holds
 * ≈ 60 MiB for the life of the process, and only a root module with a `.tfvars` file needs it.
 */
async function parseTfvars(file: string, text: string): Promise<unknown> {
  const { parse } = await import('@cdktf/hcl2json');
  return parse(file, text);
}

/** Each auto-loaded variable file of `dir` with the variable names it sets. */
export async function operatorVariableFiles(
  dir: string,
): Promise<{ file: string; names: string[] }[]> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return [];
  }
  const out: { file: string; names: string[] }[] = [];
  for (const name of entries.filter(isAutoLoaded).sort()) {
    const file = path.join(dir, name);
    const text = await readFile(file, 'utf8');
    const body = name.endsWith('.json')
      ? (JSON.parse(text) as Record<string, unknown>)
      : ((await parseTfvars(file, text)) as Record<string, unknown>);
    out.push({ file, names: Object.keys(body) });
  }
  return out;
}

export class VariableOverrideError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VariableOverrideError';
  }
}

/**
 * Refuses to pass `names` when the operator's files in `dir`, or the environment Terraform
 * runs with (`env`: `TF_VAR_<name>`, or `-var`/`-var-file` in `TF_CLI_ARGS` /
 * `TF_CLI_ARGS_<command>`, which Terraform inserts before prenv's own arguments) set any of
 * them: one value would silently win over the other. Throws VariableOverrideError naming the
 * file or variable, the Terraform variables and what to do.
 */
export async function assertNoOverride(
  dir: string,
  names: string[],
  env: Record<string, string | undefined> = {},
): Promise<void> {
  const passed = new Set(names);
  const fromEnv = names.filter((n) => env[`TF_VAR_${n}`] !== undefined);
  if (fromEnv.length > 0) {
    throw new VariableOverrideError(
      `the environment sets ${fromEnv.map((n) => `TF_VAR_${n}`).join(', ')}, which prenv passes ` +
        'from prenv.yml or production\'s outputs (see "Terraform variables" in README.md). Keep ' +
        'each value in one place: unset these variables, or remove the key from prenv.yml.',
    );
  }
  for (const [key, value] of Object.entries(env)) {
    if (!/^TF_CLI_ARGS(_\w+)?$/.test(key) || !value || !/(^|\s)--?var(-file)?[=\s]/.test(value)) {
      continue;
    }
    throw new VariableOverrideError(
      `the environment's ${key} passes variables to Terraform, which would mix with the ones ` +
        'prenv passes (see "Terraform variables" in README.md): set them in the root ' +
        "module's terraform.tfvars instead.",
    );
  }
  for (const { file, names: set } of await operatorVariableFiles(dir)) {
    const both = set.filter((n) => passed.has(n));
    if (both.length === 0) continue;
    throw new VariableOverrideError(
      `${file} sets ${both.join(', ')}, which prenv passes from prenv.yml or production's ` +
        'outputs (see "Terraform variables" in README.md). Keep each value in one place: ' +
        'remove these lines from the file, or the key from prenv.yml.',
    );
  }
}
