import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { toolsBin } from './tools.js';

/** The lowest Terraform the configuration declares (`required_version`), and so the tests need. */
export const MIN_TERRAFORM = '1.10.0';

/**
 * The Terraform CLI for tests that run the real `terraform fmt` and `templatefile()`:
 * `PRENV_TERRAFORM_BIN`, else `terraform` on PATH, else `.tools/bin/terraform`. Throws (never
 * skips) when none exists, saying how to install it.
 */
export function requireTerraform(): string {
  const explicit = process.env.PRENV_TERRAFORM_BIN;
  const candidates = [
    ...(explicit ? [explicit] : []),
    ...(process.env.PATH ?? '').split(path.delimiter).map((d) => path.join(d, 'terraform')),
    path.join(toolsBin, 'terraform'),
  ];
  const found = candidates.find((c) => c && existsSync(c));
  if (!found) {
    throw new Error(
      `The Terraform CLI (>= ${MIN_TERRAFORM}) is needed by the Terraform tests and was not found ` +
        '(PRENV_TERRAFORM_BIN, PATH, .tools/bin). Install it from HashiCorp ' +
        '(https://developer.hashicorp.com/terraform/install, e.g. `apt-get install terraform` from ' +
        "HashiCorp's apt repository) or put the binary at .tools/bin/terraform; " +
        '`bash scripts/install-test-tools.sh` says the same.',
    );
  }
  return found;
}

const tfEnv = () => ({
  TF_IN_AUTOMATION: '1',
  CHECKPOINT_DISABLE: '1',
  TF_CLI_CONFIG_FILE: '/dev/null',
});

/** `terraform fmt -check -diff -recursive DIR`: exit code and the diff of every unformatted file. */
export async function terraformFmtCheck(
  dir: string,
): Promise<{ exitCode: number; output: string }> {
  const r = await execa(
    requireTerraform(),
    ['fmt', '-check', '-diff', '-recursive', '-no-color', dir],
    {
      reject: false,
      env: tfEnv(),
    },
  );
  return { exitCode: r.exitCode ?? -1, output: `${r.stdout}\n${r.stderr}`.trim() };
}

/**
 * Renders `templateFile` with Terraform's own `templatefile()` through `terraform console`, as
 * the module's `user_data` does. Throws with Terraform's message when rendering fails.
 */
export async function terraformTemplatefile(
  templateFile: string,
  vars: Record<string, unknown>,
): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'prenv-tfconsole-'));
  try {
    writeFileSync(path.join(dir, 'vars.json'), JSON.stringify(vars));
    // base64 so the console's own quoting of strings does not have to be undone.
    const expr = `base64encode(templatefile(${JSON.stringify(templateFile)}, jsondecode(file("vars.json"))))`;
    const r = await execa(requireTerraform(), ['console'], {
      cwd: dir,
      input: `${expr}\n`,
      reject: false,
      env: tfEnv(),
    });
    if (r.exitCode !== 0) {
      // eslint-disable-next-line no-control-regex -- Terraform's colour codes
      const plain = (r.stderr || r.stdout).replace(/\u001b\[[0-9;]*m/g, '');
      throw new Error(`templatefile() failed: ${plain}`);
    }
    const encoded = /"([A-Za-z0-9+/=]*)"/.exec(r.stdout)?.[1];
    if (encoded === undefined) throw new Error(`unexpected terraform console output: ${r.stdout}`);
    return Buffer.from(encoded, 'base64').toString('utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Evaluates `expression` with `terraform console` over copies of `tfFiles` (files of locals
 * only: nothing that needs a provider), declaring each of `vars` as a string variable set
 * with `-var`. Returns the value decoded from `jsonencode(expression)`.
 */
export async function terraformEvaluate(
  tfFiles: string[],
  vars: Record<string, string>,
  expression: string,
): Promise<unknown> {
  const dir = mkdtempSync(path.join(tmpdir(), 'prenv-tfeval-'));
  try {
    for (const file of tfFiles) copyFileSync(file, path.join(dir, path.basename(file)));
    const declarations = Object.keys(vars)
      .map((name) => `variable ${JSON.stringify(name)} {\n  type = string\n}\n`)
      .join('');
    writeFileSync(path.join(dir, 'prenv-test-variables.tf'), declarations);
    const r = await execa(
      requireTerraform(),
      ['console', ...Object.entries(vars).map(([k, v]) => `-var=${k}=${v}`)],
      {
        cwd: dir,
        input: `base64encode(jsonencode(${expression}))\n`,
        reject: false,
        env: tfEnv(),
      },
    );
    const encoded = /"([A-Za-z0-9+/=]*)"/.exec(r.stdout)?.[1];
    if (r.exitCode !== 0 || encoded === undefined)
      throw new Error(`terraform console failed: ${r.stderr || r.stdout}`);
    return JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as unknown;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
