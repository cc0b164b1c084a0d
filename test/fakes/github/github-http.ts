import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PullRequestDetails } from '../../../bot/adapters/github/github-port.js';
import { MemoryGitHub } from './memory-github.js';

/**
 * GitHub's REST API for the few routes prenv calls, over a MemoryGitHub, for tests that run
 * `prenv serve` as a real process and need GitHub to remember things (open PRs, comments).
 * Request shapes are checked against GitHub's OpenAPI description elsewhere (Prism).
 */
export interface GitHubHttpFake {
  url: string;
  state: MemoryGitHub;
  /** `METHOD /path` of every request, in order. */
  requests: string[];
  openPull(pull: Omit<PullRequestDetails, 'state' | 'merged'>): void;
  closePull(number: number, merged?: boolean): void;
  close(): Promise<void>;
}

function pullJson(p: PullRequestDetails, repo: string) {
  const headRepo = p.fork ? 'someone/fork' : repo;
  return {
    number: p.number,
    ...(p.updatedAt ? { updated_at: p.updatedAt } : {}),
    title: p.title,
    state: p.state,
    draft: p.draft,
    merged: p.merged,
    user: { login: p.author },
    head: { sha: p.headSha, ref: p.headRef, repo: { full_name: headRepo } },
    base: { ref: p.baseRef, repo: { full_name: repo } },
  };
}

/**
 * `botLogin` is the login the bot's comments are written by: a token's user, or `<slug>[bot]`
 * for a GitHub App (then `GET /app` answers the slug and installation tokens are handed out).
 */
export async function startGitHubHttpFake(botLogin = 'prenv[bot]'): Promise<GitHubHttpFake> {
  const state = new MemoryGitHub(undefined, botLogin);
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      requests.push(`${req.method} ${url.pathname}`);
      const input = body ? (JSON.parse(body) as Record<string, unknown>) : {};
      void route(req.method ?? 'GET', url, input).then(
        ([status, payload]) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(payload));
        },
        (err: unknown) => {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ message: String(err) }));
        },
      );
    });
  });

  async function route(
    method: string,
    url: URL,
    input: Record<string, unknown>,
  ): Promise<[number, unknown]> {
    if (method === 'GET' && url.pathname === '/user') return [200, { login: state.login }];
    const slug = /^(.*)\[bot\]$/.exec(state.login)?.[1];
    if (method === 'GET' && url.pathname === '/app' && slug) return [200, { id: 1, slug }];
    if (method === 'POST' && /^\/app\/installations\/\d+\/access_tokens$/.test(url.pathname))
      return [
        201,
        { token: 'ghs_fake', expires_at: new Date(Date.now() + 3_600_000).toISOString() },
      ];
    const m = /^\/repos\/([^/]+)\/([^/]+)\/(.*)$/.exec(url.pathname);
    if (!m) return [404, { message: 'Not Found' }];
    const repo = `${m[1]}/${m[2]}`;
    const rest = m[3] ?? '';
    const page = Number(url.searchParams.get('page') ?? 1);
    const pageOf = <T>(items: T[]) => (page === 1 ? items : []);
    let r: RegExpExecArray | null;
    if (method === 'GET' && rest === 'pulls') {
      return [
        200,
        pageOf(
          (await state.listOpenPullRequests()).map((p) => pullJson(p as PullRequestDetails, repo)),
        ),
      ];
    }
    // A check named `status:<context>` is served as a commit status, any other as a check run.
    if (method === 'GET' && (r = /^commits\/([0-9a-f]{40})\/check-runs$/.exec(rest))) {
      const runs = (await state.commitChecks(r[1]!)).filter((c) => !c.name.startsWith('status:'));
      const checkRuns = runs.map((c, i) => ({
        id: i + 1,
        name: c.name,
        status: c.state === 'pending' ? 'in_progress' : 'completed',
        conclusion: c.state === 'pending' ? null : c.state,
      }));
      return [200, { total_count: checkRuns.length, check_runs: pageOf(checkRuns) }];
    }
    if (method === 'GET' && (r = /^commits\/([0-9a-f]{40})\/status$/.exec(rest))) {
      const statuses = (await state.commitChecks(r[1]!))
        .filter((c) => c.name.startsWith('status:'))
        .map((c) => ({ context: c.name.slice('status:'.length), state: c.state }));
      return [200, { state: 'pending', sha: r[1], total_count: statuses.length, statuses }];
    }
    if (method === 'GET' && (r = /^pulls\/(\d+)$/.exec(rest))) {
      const p = await state.getPullRequest(Number(r[1]));
      return p ? [200, pullJson(p, repo)] : [404, { message: 'Not Found' }];
    }
    if (method === 'GET' && (r = /^collaborators\/([^/]+)\/permission$/.exec(rest))) {
      const permission = await state.permissionOf(decodeURIComponent(r[1]!));
      return [
        200,
        { permission, role_name: permission, user: { login: r[1], role_name: permission } },
      ];
    }
    if (method === 'GET' && (r = /^issues\/(\d+)\/comments$/.exec(rest))) {
      return [
        200,
        pageOf(
          state.comments
            .filter((c) => c.pr === Number(r![1]))
            .map((c) => ({ id: c.id, body: c.body, user: { login: c.author } })),
        ),
      ];
    }
    if (method === 'POST' && (r = /^issues\/(\d+)\/comments$/.exec(rest))) {
      await state.reply(Number(r[1]), String(input.body));
      const created = state.comments.at(-1)!;
      return [201, { id: created.id, body: created.body, user: { login: created.author } }];
    }
    if (method === 'PATCH' && (r = /^issues\/comments\/(\d+)$/.exec(rest))) {
      const comment = state.comments.find((c) => c.id === Number(r![1]));
      if (!comment) return [404, { message: 'Not Found' }];
      comment.body = String(input.body);
      comment.history.push(comment.body);
      return [200, { id: comment.id, body: comment.body }];
    }
    if (method === 'POST' && (r = /^issues\/comments\/(\d+)\/reactions$/.exec(rest))) {
      await state.react(Number(r[1]), input.content as never);
      return [201, { id: 1, content: input.content }];
    }
    if (method === 'POST' && rest === 'deployments') {
      const id = await state.createDeployment({
        ref: String(input.ref),
        environment: String(input.environment),
        description: String(input.description ?? ''),
      });
      return [201, { id }];
    }
    if (method === 'GET' && rest === 'deployments') {
      const env = url.searchParams.get('environment');
      return [
        200,
        pageOf(
          state.deployments.filter((d) => !env || d.environment === env).map((d) => ({ id: d.id })),
        ),
      ];
    }
    if (method === 'GET' && (r = /^deployments\/(\d+)\/statuses$/.exec(rest))) {
      const d = state.deployments.find((x) => x.id === Number(r![1]));
      if (!d) return [404, { message: 'Not Found' }];
      return [200, pageOf([...d.statuses].reverse().map((s, i) => ({ id: i + 1, state: s })))];
    }
    if (method === 'POST' && (r = /^deployments\/(\d+)\/statuses$/.exec(rest))) {
      await state.setDeploymentStatus({
        deploymentId: Number(r[1]),
        state: input.state as never,
        description: String(input.description ?? ''),
        ...(input.environment_url ? { environmentUrl: String(input.environment_url) } : {}),
        ...(input.log_url ? { logUrl: String(input.log_url) } : {}),
      });
      return [201, { id: 1, state: input.state }];
    }
    return [404, { message: `no fake for ${method} ${url.pathname}` }];
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    requests,
    openPull: (pull) => state.pulls.set(pull.number, { ...pull, state: 'open', merged: false }),
    closePull: (number, merged = false) => {
      const p = state.pulls.get(number);
      if (p) state.pulls.set(number, { ...p, state: 'closed', merged });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
