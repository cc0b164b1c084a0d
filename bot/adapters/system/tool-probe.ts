import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import { PACKAGE_ROOT } from './package-root.js';
import { execa } from 'execa';

export type ExternalTool = 'caddy' | 'consul' | 'terraform' | 'nomad' | 'ssh';

export interface ToolReport {
  tool: ExternalTool;
  found: boolean;
  path?: string;
  version?: string;
  error?: string;
}

const VERSION_ARGS: Record<ExternalTool, string[]> = {
  caddy: ['version'],
  consul: ['version'],
  terraform: ['version'],
  nomad: ['version'],
  ssh: ['-V'],
};

const VERSION_PATTERN = /v?(\d+\.\d+\.\d+(?:[-+][\w.]+)?)/;

const repoToolsBin = path.join(PACKAGE_ROOT, '.tools/bin');

/** Where a tool is looked for: an explicit PRENV_<TOOL>_BIN, then PATH, then the repo's .tools/bin. */
export async function findTool(
  tool: ExternalTool,
  env: Record<string, string | undefined>,
): Promise<string | undefined> {
  const explicit = env[`PRENV_${tool.toUpperCase()}_BIN`];
  if (explicit) return (await isExecutable(explicit)) ? explicit : undefined;
  const dirs = [...(env.PATH ?? '').split(path.delimiter).filter(Boolean), repoToolsBin];
  for (const dir of dirs) {
    const candidate = path.join(dir, tool);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export async function probeTool(
  tool: ExternalTool,
  env: Record<string, string | undefined>,
): Promise<ToolReport> {
  const file = await findTool(tool, env);
  if (!file) return { tool, found: false };
  try {
    const { stdout } = await execa(file, VERSION_ARGS[tool], { timeout: 5_000, reject: true });
    const version = VERSION_PATTERN.exec(stdout)?.[1];
    return { tool, found: true, path: file, ...(version ? { version } : {}) };
  } catch (err) {
    return { tool, found: true, path: file, error: (err as Error).message.split('\n')[0] };
  }
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
