/**
 * The comparison servers of `npm run bench:intake`, one per process so each has a core of its
 * own like `prenv serve` does: `node --import tsx bench/intake/comparison-server.ts <kind> <secret>`
 * prints `{"port":N}` once it listens on 127.0.0.1. Kinds:
 *   probot   Probot 14's Node middleware with a `pull_request.opened` handler doing nothing;
 *   octokit  @octokit/webhooks' Node middleware (verifies, parses, dispatches), same handler;
 *   bare     node:http reading the body and answering 202: the ceiling of the machine;
 *   durable  bare, plus prenv's SQLite store queueing a fixed small event under the delivery id
 *            (group commit, synced) before the answer, with no signature check, parse, mapping
 *            or planning: the ceiling of a durable intake here. Its state file goes in the
 *            folder given as a third argument.
 * Only `durable` stores anything.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Webhooks, createNodeMiddleware as webhooksMiddleware } from '@octokit/webhooks';
import { Probot, createNodeMiddleware as probotMiddleware } from 'probot';
import { openSqliteStore } from '../../bot/adapters/store/sqlite-store.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const PATH = '/webhooks/github';

async function handler(kind: string, secret: string, stateDir: string): Promise<Handler> {
  const notFound = (res: ServerResponse) => () => {
    res.writeHead(404);
    res.end();
  };
  if (kind === 'probot') {
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const probot = new Probot({ appId: 1, privateKey, secret, logLevel: 'warn' });
    const middleware = await probotMiddleware(
      (app) => {
        app.on('pull_request.opened', async () => {});
      },
      { probot, webhooksPath: PATH },
    );
    return (req, res) => void middleware(req, res, notFound(res));
  }
  if (kind === 'octokit') {
    const webhooks = new Webhooks({ secret });
    webhooks.on('pull_request.opened', async () => {});
    const middleware = webhooksMiddleware(webhooks, { path: PATH });
    return (req, res) => void middleware(req, res, notFound(res));
  }
  if (kind === 'bare') {
    return (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        Buffer.concat(chunks);
        res.writeHead(202, { 'content-type': 'application/json', 'content-length': 2 });
        res.end('{}');
      });
    };
  }
  if (kind === 'durable') {
    const store = openSqliteStore(path.join(stateDir, 'durable.db'));
    const payload = { kind: 'pr_opened' };
    return (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        Buffer.concat(chunks);
        const id = String(req.headers['x-github-delivery']);
        void store.enqueue({ id, name: 'pr_opened', payload, receivedAt: Date.now() }).then(
          (queued) => {
            const body = JSON.stringify({ status: queued });
            res.writeHead(202, {
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(body),
            });
            res.end(body);
          },
          () => {
            res.writeHead(500);
            res.end();
          },
        );
      });
    };
  }
  throw new Error(`unknown server kind ${kind} (probot, octokit, bare, durable)`);
}

const [kind = '', secret = '', stateDir = '.'] = process.argv.slice(2);
const server = createServer(await handler(kind, secret, stateDir));
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
