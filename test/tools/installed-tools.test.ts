import { lstat, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ToolName } from '../support/tools.js';
import { repoRoot, requireTool, toolsBin } from '../support/tools.js';
import type { RecordingProxy } from './recording-proxy.js';
import { startRecordingProxy } from './recording-proxy.js';

const installScript = path.join(repoRoot, 'scripts', 'install-test-tools.sh');
const toolsDir = path.dirname(toolsBin);

/** The Debian package versions DESIGN.md §7 asks for. */
/** Debian versions of the pinned upstream releases: any Debian revision or rebuild of them. */
const pinnedDebianVersions: Record<ToolName, RegExp> = {
  caddy: /^2\.6\.2-\d/,
  consul: /^1\.8\.7\+dfsg1-/,
  'terraform-config-inspect': /^0\.0~git20230614\.f32df32-/,
};
const toolNames = Object.keys(pinnedDebianVersions) as ToolName[];

function installedPackageVersion(name: ToolName): Promise<string> {
  return readFile(path.join(toolsDir, 'pkgs', name, '.deb-version'), 'utf8').then((v) => v.trim());
}

describe('installed test tools', () => {
  it('caddy runs and reports version 2.6.2', async () => {
    const { stdout } = await execa(requireTool('caddy'), ['version']);
    expect(stdout.trim().split(/\s+/)[0]).toMatch(/^v?2\.6\.2$/);
  });

  it('consul runs and reports version 1.8.7', async () => {
    const { stdout } = await execa(requireTool('consul'), ['version']);
    expect(stdout.split('\n')[0]).toBe('Consul v1.8.7');
  });

  it('terraform-config-inspect reads the variables and outputs of a module', async () => {
    const moduleDir = await mkdtemp(path.join(tmpdir(), 'prenv-tci-'));
    try {
      await writeFile(
        path.join(moduleDir, 'main.tf'),
        'variable "region" {\n  default = "fsn1"\n}\n\noutput "where" {\n  value = var.region\n}\n',
      );
      const { stdout } = await execa(requireTool('terraform-config-inspect'), [
        '--json',
        moduleDir,
      ]);
      const module = JSON.parse(stdout) as {
        variables: Record<string, { default?: unknown }>;
        outputs: Record<string, unknown>;
      };
      expect(Object.keys(module.variables)).toEqual(['region']);
      expect(module.variables['region']?.default).toBe('fsn1');
      expect(Object.keys(module.outputs)).toEqual(['where']);
    } finally {
      await rm(moduleDir, { recursive: true, force: true });
    }
  });

  it.each(toolNames)('%s comes from a Debian package of the pinned release', async (name) => {
    requireTool(name);
    expect(await installedPackageVersion(name)).toMatch(pinnedDebianVersions[name]);
  });
});

describe('scripts/install-test-tools.sh', () => {
  let proxy: RecordingProxy;
  beforeEach(async () => {
    proxy = await startRecordingProxy();
  });
  afterEach(async () => {
    await proxy.close();
  });

  it('is a no-op that touches neither the network nor .tools when all tools are present', async () => {
    const snapshot = async () =>
      Promise.all(
        toolNames.flatMap((name) => [
          lstat(requireTool(name)).then((s) => `${name} link ${s.mtimeMs}`),
          lstat(path.join(toolsDir, 'pkgs', name, '.deb-version')).then(
            (s) => `${name} marker ${s.mtimeMs}`,
          ),
        ]),
      );
    const before = await snapshot();

    const run = await execa('bash', [installScript], {
      cwd: tmpdir(),
      env: { PRENV_TOOLS_DIR: toolsDir, http_proxy: proxy.url },
      reject: false,
    });

    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain('all test tools present');
    expect(proxy.requests).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  it('works in PRENV_TOOLS_DIR and names the failed step when the mirror cannot be reached', async () => {
    const emptyToolsDir = await mkdtemp(path.join(tmpdir(), 'prenv-tools-'));
    try {
      const run = await execa('bash', [installScript], {
        env: { PRENV_TOOLS_DIR: emptyToolsDir, http_proxy: proxy.url },
        reject: false,
      });

      expect(run.exitCode).not.toBe(0);
      expect(run.stderr).toContain('FAILED: apt-get update');
      expect(proxy.requests.some((url) => url.startsWith('http://deb.debian.org/'))).toBe(true);
      const created = await readdir(emptyToolsDir);
      expect(created).toContain('apt');
      expect(created).not.toContain('bin');
    } finally {
      await rm(emptyToolsDir, { recursive: true, force: true });
    }
  }, 60_000);
});
