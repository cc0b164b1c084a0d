import type { GitHubHttpFake } from '../fakes/github/github-http.js';
import { inRepository, prCommentPayload, realPayload } from '../support/webhook-examples.js';

/**
 * The chaos run's event generator: from a seeded random source, the deliveries GitHub would send
 * for PRs opened, drafted, readied, pushed to, commented on, closed and reopened, plus
 * duplicates, late (out-of-order) deliveries and deliveries of another repository. The GitHub
 * fake is kept in step with what each event says about its PR.
 */

export const REPOSITORY = 'aipacto/aipacto';
export const MAINTAINER = 'maintainer-mo';
const READER = 'reader-rae';
const FORK_AUTHOR = 'fork-fay';

/** mulberry32: a small seeded generator, so a seed replays the same sequence. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Pr {
  number: number;
  open: boolean;
  draft: boolean;
  fork: boolean;
  sha: string;
  pushes: number;
  /** Heads a maintainer's `/deploy` was written for (forks). */
  approved: Set<string>;
  /** A maintainer's `/destroy` was the last word: the PR stays without an environment. */
  destroyed: boolean;
  /** A `/redeploy` followed a `/destroy`: either outcome is right, neither is checked. */
  unsure: boolean;
}

export interface Sent {
  id: string;
  name: string;
  body: unknown;
}

export interface EventSource {
  /** Every PR of the repository the run opened, by number, as the run believes it is. */
  prs: Map<number, Pr>;
  /** Draws event `index`; returns its kind and the deliveries it sends now (usually one). */
  draw(index: number): { kind: string; deliveries: Sent[] };
  /** Late deliveries due by event `index`, removed from the waiting ones. */
  dueBy(index: number): Sent[];
  /** Every late delivery still waiting, removed. */
  rest(): Sent[];
  /** Remembers a delivery sent, for duplicates (another repository's are not redelivered). */
  sent(delivery: Sent): void;
}

export function eventSource(seed: number, rand: () => number, github: GitHubHttpFake): EventSource {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  const prs = new Map<number, Pr>();
  const sent: Sent[] = [];
  const late: { due: number; delivery: Sent }[] = [];
  let clock = Date.parse('2026-03-01T00:00:00Z');
  let deliveryNo = 0;
  let nextPr = 1;
  const iso = () => new Date((clock += 1_000)).toISOString();

  const pullPayload = (pr: Pr, action: string, repository = REPOSITORY) => {
    const payload = realPayload(
      'pull_request',
      'opened',
      (p) => !(p.pull_request as { draft: boolean }).draft,
    );
    payload.action = action;
    const pull = payload.pull_request as Record<string, unknown>;
    Object.assign(pull, {
      number: pr.number,
      title: `Chaos ${pr.number}`,
      draft: pr.draft,
      state: pr.open ? 'open' : 'closed',
      merged: false,
      updated_at: iso(),
    });
    const head = pull.head as Record<string, unknown>;
    head.sha = pr.sha;
    head.ref = `chaos-${pr.number}`;
    head.repo = {
      ...(head.repo as object),
      full_name: pr.fork ? `${FORK_AUTHOR}/aipacto` : repository,
    };
    (pull.user as Record<string, unknown>).login = pr.fork ? FORK_AUTHOR : 'dev';
    payload.number = pr.number;
    return inRepository(payload, repository);
  };

  const mirror = (pr: Pr) => {
    if (!pr.open) return github.closePull(pr.number);
    github.openPull({
      number: pr.number,
      headSha: pr.sha,
      headRef: `chaos-${pr.number}`,
      baseRef: 'main',
      title: `Chaos ${pr.number}`,
      draft: pr.draft,
      fork: pr.fork,
      author: pr.fork ? FORK_AUTHOR : 'dev',
    });
  };

  const shaOf = (pr: number, push: number) =>
    `${pr.toString(16).padStart(4, '0')}${push.toString(16).padStart(4, '0')}`.padEnd(40, 'c');

  const newPr = (number: number, sha: string, draft: boolean, fork: boolean): Pr => ({
    number,
    open: true,
    draft,
    fork,
    sha,
    pushes: 0,
    approved: new Set(),
    destroyed: false,
    unsure: false,
  });

  const draw = (index: number): { kind: string; deliveries: Sent[] } => {
    const all = [...prs.values()];
    const open = all.filter((p) => p.open);
    const closed = all.filter((p) => !p.open);
    const choices: [string, number][] = [
      ['open', open.length < 12 ? 12 : 3],
      ['draft', open.some((p) => !p.draft) ? 5 : 0],
      ['ready', open.some((p) => p.draft) ? 6 : 0],
      ['push', open.length > 0 ? 14 : 0],
      ['comment', open.length > 0 ? 12 : 0],
      ['close', open.length > 0 ? 7 : 0],
      ['reopen', closed.length > 0 ? 4 : 0],
      ['duplicate', sent.length > 0 ? 5 : 0],
      ['late', open.length > 0 ? 4 : 0],
      ['foreign', 3],
    ];
    const total = choices.reduce((s, [, w]) => s + w, 0);
    let r = rand() * total;
    const kind = choices.find(([, w]) => (r -= w) < 0)?.[0] ?? 'foreign';
    const delivery = (name: string, body: unknown): Sent => ({
      id: `chaos-${seed}-${++deliveryNo}`,
      name,
      body,
    });
    const prEvent = (pr: Pr, action: string) => {
      mirror(pr);
      return delivery('pull_request', pullPayload(pr, action));
    };
    switch (kind) {
      case 'open': {
        const number = nextPr++;
        const draft = rand() < 0.2;
        const pr = newPr(number, shaOf(number, 0), draft, rand() < 0.2);
        prs.set(pr.number, pr);
        return { kind, deliveries: [prEvent(pr, 'opened')] };
      }
      case 'draft': {
        const pr = pick(open.filter((p) => !p.draft));
        pr.draft = true;
        return { kind, deliveries: [prEvent(pr, 'converted_to_draft')] };
      }
      case 'ready': {
        const pr = pick(open.filter((p) => p.draft));
        pr.draft = false;
        return { kind, deliveries: [prEvent(pr, 'ready_for_review')] };
      }
      case 'push':
      case 'late': {
        const pr = pick(open);
        pr.sha = shaOf(pr.number, ++pr.pushes);
        const d = prEvent(pr, 'synchronize');
        if (kind === 'push') return { kind, deliveries: [d] };
        // Delivered a few events later, after newer deliveries of its PR may have arrived.
        late.push({ due: index + 1 + Math.floor(rand() * 6), delivery: d });
        return { kind, deliveries: [] };
      }
      case 'comment': {
        const pr = pick(open);
        const actor = pick([MAINTAINER, MAINTAINER, READER, FORK_AUTHOR]);
        const body = pick(['/deploy', '/deploy', '/destroy', '/redeploy', 'looks good']);
        // `approvedSha`: the head a maintainer approved with `/deploy` or `/redeploy`.
        if (actor === MAINTAINER && (body === '/deploy' || body === '/redeploy'))
          pr.approved.add(pr.sha);
        if (actor === MAINTAINER && body.startsWith('/')) {
          pr.unsure = body === '/redeploy' ? pr.destroyed || pr.unsure : false;
          pr.destroyed = body === '/destroy';
        }
        const payload = inRepository(prCommentPayload(body, actor, pr.number), REPOSITORY);
        const comment = payload.comment as Record<string, unknown>;
        comment.id = 900_000 + deliveryNo;
        comment.created_at = comment.updated_at = iso();
        return { kind, deliveries: [delivery('issue_comment', payload)] };
      }
      case 'close': {
        const pr = pick(open);
        pr.open = false;
        return { kind, deliveries: [prEvent(pr, 'closed')] };
      }
      case 'reopen': {
        const pr = pick(closed);
        pr.open = true;
        return { kind, deliveries: [prEvent(pr, 'reopened')] };
      }
      case 'duplicate':
        return { kind, deliveries: [pick(sent)] };
      default: {
        const stranger = newPr(
          500 + Math.floor(rand() * 100),
          shaOf(999, deliveryNo),
          false,
          false,
        );
        return {
          kind: 'foreign',
          deliveries: [delivery('pull_request', pullPayload(stranger, 'opened', 'someone/else'))],
        };
      }
    }
  };

  return {
    prs,
    draw,
    dueBy: (index) => {
      const due = late.filter((l) => l.due <= index);
      for (const l of due) late.splice(late.indexOf(l), 1);
      return due.map((l) => l.delivery);
    },
    rest: () => late.splice(0).map((l) => l.delivery),
    sent: (d) => {
      const repository = (d.body as { repository?: { full_name?: string } }).repository;
      if (d.name !== 'pull_request' || !repository?.full_name?.startsWith('someone/')) sent.push(d);
    },
  };
}
