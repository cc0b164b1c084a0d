import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeNodeInput } from './cluster.js';
import { Cluster } from './cluster.js';
import { compileFilter, FilterError } from './filter.js';
import { hclToApiJob, ParseError, UnsupportedByFake } from './hcl-to-job.js';
import { canonicalJob, getKey } from './json-keys.js';
import { planJob } from './plan-diff.js';

/**
 * A test double of Nomad's HTTP API for the endpoints prenv calls: same paths, methods, JSON
 * shapes, status codes and error texts as command/agent/*_endpoint.go. Errors are plain text,
 * like Nomad's. Listens on 127.0.0.1 only.
 */
export interface FakeNomadOptions {
  /** When set, every request needs this X-Nomad-Token (ACLs on). */
  token?: string;
  healthyAfterMs?: number;
  failingGroups?: string[];
  now?: () => number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export interface FakeNomad {
  url: string;
  requests: RecordedRequest[];
  cluster: Cluster;
  addNode(node: FakeNodeInput): string;
  removeNode(id: string): void;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startFakeNomad(options: FakeNomadOptions = {}): Promise<FakeNomad> {
  const cluster = new Cluster({
    healthyAfterMs: options.healthyAfterMs ?? 0,
    failingGroups: options.failingGroups ?? [],
    now: options.now ?? Date.now,
  });
  const requests: RecordedRequest[] = [];

  const server = createServer((req, res) => {
    void handle(req, res);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const text = await readBody(req);
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // kept as text; the route answers 400 if it needed JSON
    }
    requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { ...req.headers },
      body,
    });
    try {
      checkToken(req);
      const result = await route(req.method ?? 'GET', url, body, text);
      res.writeHead(200, {
        'content-type': 'application/json',
        'x-nomad-index': String(cluster.index),
      });
      res.end(JSON.stringify(result));
    } catch (err) {
      const code = err instanceof HttpError ? err.code : 500;
      res.writeHead(code, { 'content-type': 'text/plain' });
      res.end(err instanceof Error ? err.message : String(err));
    }
  }

  function checkToken(req: IncomingMessage): void {
    if (!options.token) return;
    const sent = req.headers['x-nomad-token'];
    if (sent === undefined) throw new HttpError(403, 'Permission denied');
    if (sent !== options.token) throw new HttpError(403, 'ACL token not found');
  }

  async function route(method: string, url: URL, body: unknown, text: string): Promise<unknown> {
    const path = url.pathname;
    const q = url.searchParams;
    const write = method === 'POST' || method === 'PUT';
    if (path === '/v1/jobs/parse') {
      if (!write) throw new HttpError(405, 'Invalid method');
      return parseRequest(decode(body, text));
    }
    if (path === '/v1/jobs') {
      if (method === 'GET') return listJobs(q);
      if (write) return register(decode(body, text), '');
      throw new HttpError(405, 'Invalid method');
    }
    // Nomad's docs: the leader's RPC address as a JSON string; no ACL needed.
    if (path === '/v1/status/leader' && method === 'GET') return '127.0.0.1:4647';
    if (path === '/v1/nodes' && method === 'GET') {
      const nodes = [...cluster.nodes.values()].filter(filterFrom(q));
      return nodes.map((n) => cluster.nodeStub(n));
    }
    const node = /^\/v1\/node\/([^/]+)$/.exec(path);
    if (node && method === 'GET') {
      const found = cluster.nodes.get(decodeURIComponent(node[1]!));
      if (!found) throw new HttpError(404, 'node not found');
      return found;
    }
    const sub = /^\/v1\/job\/(.+?)\/(plan|allocations|deployment)$/.exec(path);
    if (sub) {
      const id = decodeURIComponent(sub[1]!);
      if (sub[2] === 'plan') {
        if (!write) throw new HttpError(405, 'Invalid method');
        return plan(decode(body, text), id);
      }
      if (method !== 'GET') throw new HttpError(405, 'Invalid method');
      return sub[2] === 'allocations' ? cluster.allocations(id) : cluster.latestDeployment(id);
    }
    const job = /^\/v1\/job\/([^/]+)$/.exec(path);
    if (job) {
      const id = decodeURIComponent(job[1]!);
      if (method === 'GET') {
        const found = cluster.jobs.get(id);
        if (!found) throw new HttpError(404, 'job not found');
        return found;
      }
      if (write) return register(decode(body, text), id);
      if (method === 'DELETE') return deregister(id, q);
      throw new HttpError(405, 'Invalid method');
    }
    throw new HttpError(404, '404 page not found');
  }

  async function parseRequest(body: unknown): Promise<unknown> {
    const hcl = getKey(body, 'JobHCL');
    if (typeof hcl !== 'string' || hcl === '') throw new HttpError(400, 'Job spec is empty');
    try {
      return await hclToApiJob(hcl, getKey(body, 'Canonicalize') === true);
    } catch (err) {
      if (err instanceof ParseError)
        throw new HttpError(400, `Failed to parse job: ${err.message}`);
      if (err instanceof UnsupportedByFake) throw new HttpError(501, `fake Nomad: ${err.message}`);
      throw err;
    }
  }

  function listJobs(q: URLSearchParams): unknown {
    const prefix = q.get('prefix') ?? '';
    const withMeta = q.get('meta') === 'true';
    return [...cluster.jobs.values()]
      .filter((j) => j.ID.startsWith(prefix))
      .filter(filterFrom(q))
      .sort((a, b) => a.ID.localeCompare(b.ID))
      .map((j) => {
        const meta = j.Meta as Record<string, string> | undefined;
        return {
          ID: j.ID,
          ParentID: '',
          Name: j.Name ?? j.ID,
          Namespace: j.Namespace,
          Datacenters: j.Datacenters ?? ['*'],
          Type: j.Type,
          Priority: j.Priority ?? 50,
          Periodic: !!j.Periodic,
          ParameterizedJob: !!j.ParameterizedJob,
          Stop: j.Stop,
          Status: j.Status,
          StatusDescription: '',
          JobSummary: null,
          CreateIndex: j.CreateIndex,
          ModifyIndex: j.ModifyIndex,
          JobModifyIndex: j.JobModifyIndex,
          SubmitTime: j.SubmitTime,
          ...(withMeta && meta && Object.keys(meta).length > 0 ? { Meta: meta } : {}),
        };
      });
  }

  function filterFrom(q: URLSearchParams): (obj: unknown) => boolean {
    const expr = q.get('filter');
    if (!expr) return () => true;
    try {
      return compileFilter(expr);
    } catch (err) {
      if (err instanceof FilterError) throw new HttpError(400, err.message);
      throw err;
    }
  }

  function requestJob(body: unknown, pathId: string, idMismatch: string, noId: string) {
    const raw = getKey(body, 'Job');
    if (!raw || typeof raw !== 'object') throw new HttpError(400, 'Job must be specified');
    const job = canonicalJob(raw);
    if (typeof job.ID !== 'string') throw new HttpError(400, noId);
    if (pathId !== '' && job.ID !== pathId) throw new HttpError(400, idMismatch);
    return job as Record<string, unknown> & { ID: string };
  }

  function plan(body: unknown, id: string): unknown {
    const job = requestJob(body, id, 'Job ID does not match', 'Job must have a valid ID');
    return planJob(cluster, job);
  }

  function register(body: unknown, id: string): unknown {
    const job = requestJob(body, id, 'Job ID does not match name', "Job ID hasn't been provided");
    if (getKey(body, 'EnforceIndex') === true) {
      const conflict = cluster.enforceIndexError(
        job.ID,
        Number(getKey(body, 'JobModifyIndex') ?? 0),
      );
      // Nomad returns these as plain RPC errors, so the HTTP status is 500.
      if (conflict) throw new HttpError(500, conflict);
    }
    const { job: stored, changed } = cluster.register(job);
    return {
      EvalID: randomUUID(),
      EvalCreateIndex: cluster.index,
      JobModifyIndex: changed ? stored.JobModifyIndex : stored.ModifyIndex,
      Warnings: '',
      Index: cluster.index,
      LastIndex: 0,
      RequestTime: 0,
    };
  }

  function deregister(id: string, q: URLSearchParams): unknown {
    const purge = q.get('purge');
    if (purge !== null && !['true', 'false', '1', '0'].includes(purge)) {
      throw new HttpError(500, `Failed to parse value of "purge" (${purge}) as a bool`);
    }
    const existed = cluster.deregister(id, purge === 'true' || purge === '1');
    // Current Nomad answers a missing job with 200 and no evaluation (Job.Deregister returns nil).
    return existed
      ? {
          EvalID: randomUUID(),
          EvalCreateIndex: cluster.index,
          JobModifyIndex: cluster.index,
          Index: cluster.index,
        }
      : { EvalID: '', EvalCreateIndex: 0, JobModifyIndex: 0, Index: 0 };
  }

  function decode(body: unknown, text: string): unknown {
    if (text !== '' && typeof body === 'string')
      throw new HttpError(400, `invalid character in JSON body`);
    return body;
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    cluster,
    addNode: (node) => cluster.addNode(node),
    removeNode: (id) => cluster.removeNode(id),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
