/**
 * `prenv serve` idles without what only a run or a GitHub call needs: those modules load on
 * first use, so an idle bot holds no Terraform adapter's WebAssembly runtime, no execa, no
 * template engine or deploy pipeline, no Octokit, and no SQLite writer thread. What the process
 * loads is recorded by Node's module resolve hook (test/support/module-trace.mjs); a thread it
 * starts, by Node's `worker` event. A delivery then shows the trace does see what loads later.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inRepository, realPayload } from '../support/webhook-examples.js';
import { repoRoot } from '../support/tools.js';
import { startServe, until, offlineBotEnv } from './serve-process.js';

const WORKER_TRACE = `process.on('worker', () => process.stderr.write('[thread started]\\n'));`;

/** Packages an idle bot must not have loaded. */
const NOT_AT_IDLE = [
  '@cdktf/hcl2json',
  'execa',
  'handlebars',
  '@octokit/rest',
  '@octokit/auth-app',
  '@octokit/plugin-retry',
  '@octokit/plugin-throttling',
];
/** prenv's own modules an idle bot must not have loaded (dist/…). */
const OWN_NOT_AT_IDLE = [
  'generators/templates.js',
  'generators/deploy-plan.js',
  'bot/runtime/preview-ops.js',
  'bot/runtime/cluster-ops.js',
  'bot/adapters/github/octokit-factory.js',
];

describe('prenv serve at idle', () => {
  it('has not loaded the Terraform, template, deploy or GitHub client modules, nor started a thread; a delivery loads Octokit', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'prenv-serve-lazy-'));
    const trace = path.join(dir, 'modules.txt');
    const unreachable = 'http://127.0.0.1:9';
    const serve = await startServe(
      path.join(repoRoot, 'examples/aipacto/prenv.yml'),
      {
        PRENV_TRACE_FILE: trace,
        PRENV_GITHUB_TOKEN: 'ghp_lazy_test',
        PRENV_GITHUB_API_URL: unreachable,
        ...offlineBotEnv(dir),
      },
      0,
      [
        '--import',
        path.join(repoRoot, 'test/support/module-trace.mjs'),
        '--import',
        `data:text/javascript,${encodeURIComponent(WORKER_TRACE)}`,
      ],
    );
    try {
      const base = `http://127.0.0.1:${serve.port}`;
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect(await (await fetch(`${base}/metrics`)).text()).toContain('# TYPE');
      const loaded = () => {
        const urls = readFileSync(trace, 'utf8').trim().split('\n');
        return {
          packages: new Set(
            urls.flatMap((u) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1] ?? []),
          ),
          own: new Set(urls.flatMap((u) => /\/dist\/(.+)$/.exec(u)?.[1] ?? [])),
        };
      };
      const idle = loaded();
      // Start-up still validated prenv.yml (no cache folder in this environment) and opened the
      // state store.
      expect([...idle.packages]).toEqual(
        expect.arrayContaining(['better-sqlite3', 'pino', 'yaml', 'zod']),
      );
      expect(NOT_AT_IDLE.filter((p) => idle.packages.has(p))).toEqual([]);
      expect(OWN_NOT_AT_IDLE.filter((f) => idle.own.has(f))).toEqual([]);
      expect(serve.logs()).not.toContain('[thread started]');

      // A pull request opened: the bot comments on it, which loads Octokit (GitHub is
      // unreachable here, so the call fails; loading is what is checked).
      const payload = inRepository(realPayload('pull_request', 'opened'), 'aipacto/aipacto');
      expect(await serve.post('pull_request', payload, 'lazy-1')).toBe(202);
      await until(() => loaded().packages.has('@octokit/rest'), 'Octokit to load');
      expect(loaded().own.has('bot/adapters/github/octokit-factory.js')).toBe(true);
    } finally {
      process.kill(serve.child.pid!, 'SIGTERM');
      await serve.child;
    }
  }, 120_000);
});
