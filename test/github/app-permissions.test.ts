/**
 * The App's manifest holds exactly the permissions and events the bot uses: every GitHub
 * endpoint the adapters call is allowed by a permission of the manifest, every permission is
 * needed by an endpoint or an event, and the events are the ones the bot acts on.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Octokit } from '@octokit/rest';
import { describe, expect, it } from 'vitest';
import { APP_EVENTS, APP_PERMISSIONS } from '../../bot/core/app-manifest.js';
import { mapWebhook } from '../../bot/core/events.js';
import { repoRoot } from '../support/tools.js';

type Level = 'read' | 'write';
type Need = { permission: string; level: Level };

/**
 * What each endpoint needs, from GitHub's "Permissions required for GitHub Apps"
 * (docs.github.com/en/rest/authentication/permissions-required-for-github-apps). Several
 * entries: any one of them is enough. An endpoint the bot starts to call must be added here.
 */
const ENDPOINT_NEEDS: Record<string, Need[]> = {
  'GET /repos/{owner}/{repo}/collaborators/{username}/permission': [
    { permission: 'metadata', level: 'read' },
  ],
  'POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions': [
    { permission: 'issues', level: 'write' },
    { permission: 'pull_requests', level: 'write' },
  ],
  'GET /repos/{owner}/{repo}/issues/{issue_number}/comments': [
    { permission: 'issues', level: 'read' },
    { permission: 'pull_requests', level: 'read' },
  ],
  'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}': [
    { permission: 'issues', level: 'write' },
    { permission: 'pull_requests', level: 'write' },
  ],
  'POST /repos/{owner}/{repo}/issues/{issue_number}/comments': [
    { permission: 'issues', level: 'write' },
    { permission: 'pull_requests', level: 'write' },
  ],
  'GET /repos/{owner}/{repo}/deployments': [{ permission: 'deployments', level: 'read' }],
  'POST /repos/{owner}/{repo}/deployments': [{ permission: 'deployments', level: 'write' }],
  'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses': [
    { permission: 'deployments', level: 'read' },
  ],
  'POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses': [
    { permission: 'deployments', level: 'write' },
  ],
  'GET /repos/{owner}/{repo}/pulls': [{ permission: 'pull_requests', level: 'read' }],
  'GET /repos/{owner}/{repo}/pulls/{pull_number}': [{ permission: 'pull_requests', level: 'read' }],
  'GET /repos/{owner}/{repo}/commits/{ref}/check-runs': [{ permission: 'checks', level: 'read' }],
  'GET /repos/{owner}/{repo}/commits/{ref}/status': [{ permission: 'statuses', level: 'read' }],
};

/** Webhook events and the permission an App needs to receive them (GitHub's webhook docs). */
const EVENT_NEEDS: Record<string, Need> = {
  pull_request: { permission: 'pull_requests', level: 'read' },
  issue_comment: { permission: 'issues', level: 'read' },
  push: { permission: 'contents', level: 'read' },
  check_suite: { permission: 'checks', level: 'read' },
  status: { permission: 'statuses', level: 'read' },
};

const granted = APP_PERMISSIONS as Record<string, Level>;
const allows = (need: Need) =>
  granted[need.permission] === 'write' || granted[need.permission] === need.level;

/** `rest.<scope>.<method>(` calls in the GitHub adapter (`octokit.rest.…` too), as "METHOD /route". */
function endpointsCalled(): { call: string; route: string }[] {
  const dir = path.join(repoRoot, 'bot/adapters/github');
  const octokit = new Octokit() as unknown as Record<
    string,
    Record<string, Record<string, { endpoint: { DEFAULTS: { method: string; url: string } } }>>
  >;
  const calls = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const text = readFileSync(path.join(dir, file), 'utf8');
    for (const m of text.matchAll(/\brest\.(\w+)\.(\w+)\(/g)) calls.add(`${m[1]}.${m[2]}`);
  }
  return [...calls].sort().map((call) => {
    const [scope, method] = call.split('.') as [string, string];
    const fn = octokit.rest?.[scope]?.[method];
    if (!fn) throw new Error(`@octokit/rest has no rest.${call}`);
    const { method: verb, url } = fn.endpoint.DEFAULTS;
    return { call, route: `${verb} ${url}` };
  });
}

/**
 * Bot-side calls that need no installation permission: the manifest conversion, `GET /app`
 * (authenticated with the App's JWT, which @octokit/auth-app uses for that route), and
 * `GET /user`, which the adapter calls only in token mode, never as the App.
 */
const NO_PERMISSION = [
  'apps.createFromManifest',
  'apps.getAuthenticated',
  'users.getAuthenticated',
];

describe("the GitHub App's permissions", () => {
  const called = endpointsCalled().filter((c) => !NO_PERMISSION.includes(c.call));

  it('finds the calls it checks', () => {
    expect(called.map((c) => c.call)).toEqual(
      expect.arrayContaining(['issues.createComment', 'repos.createDeployment', 'pulls.get']),
    );
  });

  it.each(endpointsCalled().filter((c) => !NO_PERMISSION.includes(c.call)))(
    '$call ($route) is allowed by the manifest',
    ({ route }) => {
      const needs = ENDPOINT_NEEDS[route];
      expect(needs, `add ${route} to ENDPOINT_NEEDS from GitHub's permissions page`).toBeDefined();
      expect(needs!.some(allows), `${route} needs one of ${JSON.stringify(needs)}`).toBe(true);
    },
  );

  it("are enabled for GitHub Apps in GitHub's OpenAPI description", () => {
    const file = createRequire(import.meta.url).resolve(
      '@octokit/openapi/generated/api.github.com.json',
    );
    const spec = JSON.parse(readFileSync(file, 'utf8')) as {
      paths: Record<string, Record<string, { 'x-github'?: { enabledForGitHubApps?: boolean } }>>;
    };
    for (const { route } of called) {
      const [verb, url] = route.split(' ') as [string, string];
      expect(spec.paths[url]?.[verb.toLowerCase()]?.['x-github']?.enabledForGitHubApps, route).toBe(
        true,
      );
    }
  });

  it('grants nothing the bot does not use', () => {
    const used = new Map<string, Level>([['metadata', 'read']]);
    const use = (need: Need) => {
      if (used.get(need.permission) !== 'write') used.set(need.permission, need.level);
    };
    for (const { route } of called) {
      // The first alternative the manifest allows is the one the App relies on.
      const need = ENDPOINT_NEEDS[route]?.find(allows);
      if (need) use(need);
    }
    for (const event of APP_EVENTS) use(EVENT_NEEDS[event]!);
    expect(Object.fromEntries([...used].sort())).toEqual(
      Object.fromEntries(Object.entries(granted).sort()),
    );
  });
});

describe("the GitHub App's events", () => {
  const definitions = JSON.parse(
    readFileSync(createRequire(import.meta.url).resolve('@octokit/webhooks-examples'), 'utf8'),
  ) as { name: string; examples: unknown[] }[];

  it("are exactly the events the bot acts on (GitHub's example payloads of every event)", () => {
    const handled = definitions
      .filter((d) =>
        d.examples.some((payload) => {
          const repository =
            (payload as { repository?: { full_name?: string } }).repository?.full_name ??
            'octo-org/octo-repo';
          const event = mapWebhook(d.name, payload, { appLogin: 'prenv[bot]', repository });
          return !(event.kind === 'ignored' && event.reason === `${d.name} events are not handled`);
        }),
      )
      .map((d) => d.name)
      .sort();
    expect(handled).toEqual([...APP_EVENTS].sort());
  });

  it('each need a permission the manifest grants', () => {
    for (const event of APP_EVENTS) expect(allows(EVENT_NEEDS[event]!), event).toBe(true);
  });
});
