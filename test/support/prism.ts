import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { startOnFreePorts } from './local-process.js';
import { repoRoot } from './tools.js';

/** The GitHub REST paths prenv calls; the mock serves exactly these from GitHub's own description. */
export const GITHUB_PATHS = [
  '/app',
  '/user',
  '/app/installations/{installation_id}/access_tokens',
  '/repos/{owner}/{repo}/collaborators/{username}/permission',
  '/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions',
  '/repos/{owner}/{repo}/issues/{issue_number}/comments',
  '/repos/{owner}/{repo}/issues/comments/{comment_id}',
  '/repos/{owner}/{repo}/deployments',
  '/repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
  '/repos/{owner}/{repo}/pulls',
  '/repos/{owner}/{repo}/pulls/{pull_number}',
  '/app-manifests/{code}/conversions',
];

export interface Violation {
  method: string;
  url: string;
  status: number;
  messages: string[];
}

export interface PrismServer {
  baseUrl: string;
  /** A fetch that records every request GitHub's description rejects. */
  fetch: typeof fetch;
  violations: Violation[];
  requests: { method: string; url: string }[];
  stop(): Promise<void>;
}

function subsetSpec(): string {
  const source = path.join(
    repoRoot,
    'node_modules/@octokit/openapi/generated/api.github.com.deref.json',
  );
  const spec = JSON.parse(readFileSync(source, 'utf8')) as { paths: Record<string, unknown> };
  const paths = Object.fromEntries(
    GITHUB_PATHS.map((p) => {
      if (!spec.paths[p]) throw new Error(`GitHub's OpenAPI description has no path ${p}`);
      return [p, spec.paths[p]];
    }),
  );
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'prenv-prism-')), 'github.json');
  writeFileSync(file, JSON.stringify({ ...spec, paths, components: {}, webhooks: undefined }));
  return file;
}

/** Starts Prism (validating requests against GitHub's OpenAPI description) on loopback. */
export async function startPrism(): Promise<PrismServer> {
  const spec = subsetSpec();
  const { port, child } = await startOnFreePorts(1, ([port]) => launchPrism(spec, port as number));
  const violations: Violation[] = [];
  const requests: { method: string; url: string }[] = [];
  const recordingFetch: typeof fetch = async (input, init) => {
    const req = new Request(input, init);
    const res = await fetch(req);
    requests.push({ method: req.method, url: req.url });
    const header = res.headers.get('sl-violations');
    const messages = header
      ? (JSON.parse(header) as { location: string[]; message: string }[])
          .filter((v) => v.location[0] === 'request')
          .map((v) => `${v.location.join('.')}: ${v.message}`)
      : [];
    if (messages.length > 0 || res.status === 422) {
      violations.push({ method: req.method, url: req.url, status: res.status, messages });
    }
    return res;
  };
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    fetch: recordingFetch,
    violations,
    requests,
    stop: async () => {
      child.kill('SIGTERM');
      await child;
    },
  };
}

async function launchPrism(
  spec: string,
  port: number,
): Promise<{ port: number; child: ResultPromise }> {
  const bin = path.join(repoRoot, 'node_modules/.bin/prism');
  const child: ResultPromise = execa(bin, ['mock', spec, '-h', '127.0.0.1', '-p', String(port)], {
    reject: false,
    all: true,
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Prism did not start:\n${output}`));
    }, 60_000);
    child.all?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Prism is listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    void child.then((r) => {
      clearTimeout(timer);
      reject(new Error(`Prism exited (${r.exitCode}):\n${output}`));
    });
  });
  return { port, child };
}
