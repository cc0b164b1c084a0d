import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from '@cdktf/hcl2json';

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
      : ((await parse(file, text)) as Record<string, unknown>);
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
 * Refuses to pass `names` when the operator's files in `dir` set any of them: one value would
 * silently win over the other. The message names the file, the variables and what to do.
 */
export async function assertNoOverride(dir: string, names: string[]): Promise<void> {
  const passed = new Set(names);
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
