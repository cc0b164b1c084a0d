import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from '@cdktf/hcl2json';
import { execa } from 'execa';
import { repoRoot, requireTool } from '../support/tools.js';

export const terraformRoot = path.join(repoRoot, 'terraform');
export const moduleDir = path.join(terraformRoot, 'modules', 'base');
export const environmentNames = ['production', 'staging', 'pr'] as const;
export type EnvironmentName = (typeof environmentNames)[number];

export function environmentDir(name: EnvironmentName): string {
  return path.join(terraformRoot, 'environments', name);
}

/** The module and every environment: each a Terraform root or module directory. */
export const configDirs: string[] = [moduleDir, ...environmentNames.map(environmentDir)];

export function tfFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.tf'))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Every file written in HCL syntax under terraform/ (.tf, tfvars and backend examples). */
export function allHclFiles(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(tf|tfvars\.example|hcl\.example)$/.test(entry.name)) found.push(full);
    }
  };
  walk(terraformRoot);
  return found.sort();
}

export function relative(file: string): string {
  return path.relative(repoRoot, file);
}

/** A Terraform configuration as hcl2json returns it (blocks are arrays). */
export type HclBody = Record<string, unknown>;

/** The value at a path in parsed HCL; throws naming the path when it is absent. */
export function at(body: unknown, ...path: (string | number)[]): unknown {
  let current = body;
  for (const step of path) {
    if (current === null || typeof current !== 'object' || !(step in current)) {
      throw new Error(`no ${path.join('.')} in the parsed HCL`);
    }
    current = (current as Record<string | number, unknown>)[step];
  }
  return current;
}

/** The backend blocks of a configuration, e.g. `[{ s3: [{ key: "…" }] }]`. */
export function backends(body: HclBody): unknown[] {
  return (at(body, 'terraform') as Record<string, unknown>[]).flatMap(
    (t) => (t.backend as unknown[]) ?? [],
  );
}

export async function parseFile(file: string): Promise<HclBody> {
  return parse(path.basename(file), readFileSync(file, 'utf8'));
}

/** All .tf files of a directory parsed and merged the way Terraform merges them. */
export async function parseDir(dir: string): Promise<HclBody> {
  const merged: HclBody = {};
  for (const file of tfFiles(dir)) {
    const body = await parseFile(file);
    for (const [kind, value] of Object.entries(body)) {
      const seen = merged[kind];
      if (Array.isArray(value)) merged[kind] = [...((seen as unknown[]) ?? []), ...value];
      else merged[kind] = { ...((seen as object) ?? {}), ...(value as object) };
    }
  }
  return merged;
}

export interface InspectVariable {
  name: string;
  type?: string;
  description?: string;
  default: unknown;
  required: boolean;
  sensitive?: boolean;
}

export interface InspectResult {
  path: string;
  variables: Record<string, InspectVariable>;
  outputs: Record<string, { name: string; description?: string; sensitive?: boolean }>;
  required_core?: string[];
  required_providers: Record<string, { source?: string; version_constraints?: string[] }>;
  module_calls: Record<string, { name: string; source: string }>;
  diagnostics?: {
    severity: string;
    summary: string;
    detail: string;
    pos?: { filename: string; line: number };
  }[];
}

/** Runs the real terraform-config-inspect on a directory. */
export async function inspect(dir: string): Promise<InspectResult> {
  const tool = requireTool('terraform-config-inspect');
  const run = await execa(tool, ['--json', dir], { reject: false });
  if (run.stdout.trim() === '') {
    throw new Error(
      `terraform-config-inspect printed nothing (exit ${run.exitCode}): ${run.stderr}`,
    );
  }
  return JSON.parse(run.stdout) as InspectResult;
}
