import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { requireTool } from './tools.js';
import { useProcess } from './use-process.js';
import { startLocalProcess, startOnFreePorts, waitUntilReady } from './local-process.js';

export interface ConsulProcess {
  /** e.g. http://127.0.0.1:40123 */
  readonly httpUrl: string;
  readonly dnsPort: number;
  /** The ACL master token when started with ACLs, else undefined. */
  readonly token: string | undefined;
  logs(): string;
  /**
   * Stops the agent and starts it again on the same ports. The KV store comes back as it was, as
   * a Consul server's does from its data dir; services and sessions do not (a dev agent keeps
   * everything in memory, and the agents re-register their services).
   */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** One entry of `GET /v1/kv/?recurse` (Consul HTTP API, KV store): Value is base64 or null. */
interface KvEntry {
  Key: string;
  Flags: number;
  Value: string | null;
}

export interface ConsulStartOptions {
  /** Turns ACLs on (default policy deny) with this master token. */
  aclMasterToken?: string;
}

/** Consul 1.8.7 configuration for ACLs; the dev agent takes it through -hcl. */
function aclHcl(token: string): string {
  return (
    `acl { enabled = true\ndefault_policy = "deny"\n` +
    `tokens { master = ${JSON.stringify(token)}\nagent = ${JSON.stringify(token)} } }`
  );
}

export function startConsul(options: ConsulStartOptions = {}): Promise<ConsulProcess> {
  return startOnFreePorts(6, (ports) => startConsulOn(ports, options));
}

async function startConsulOn(
  ports: readonly number[],
  options: ConsulStartOptions,
): Promise<ConsulProcess> {
  const binary = requireTool('consul');
  const dir = await mkdtemp(path.join(tmpdir(), 'prenv-consul-'));
  const [http, dns, serfLan, serfWan, server, grpc] = ports as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const args = [
    'agent',
    '-dev',
    '-node=prenv-test',
    '-bind=127.0.0.1',
    '-client=127.0.0.1',
    `-data-dir=${path.join(dir, 'data')}`,
    `-http-port=${http}`,
    `-dns-port=${dns}`,
    `-serf-lan-port=${serfLan}`,
    `-serf-wan-port=${serfWan}`,
    `-server-port=${server}`,
    `-grpc-port=${grpc}`,
    '-log-level=warn',
  ];
  const token = options.aclMasterToken;
  if (token !== undefined) args.push(`-hcl=${aclHcl(token)}`);

  const launch = () =>
    startLocalProcess('consul', binary, args, {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir },
    });
  let proc = launch();
  const httpUrl = `http://127.0.0.1:${http}`;
  const headers: Record<string, string> = token === undefined ? {} : { 'X-Consul-Token': token };
  const ready = () =>
    waitUntilReady(
      proc,
      'leader elected',
      async () => {
        const res = await fetch(`${httpUrl}/v1/status/leader`);
        const leader = (await res.json()) as unknown;
        if (typeof leader !== 'string' || leader === '') return false;
        // With ACLs the leader needs a moment more to accept the master token.
        const kv = await fetch(`${httpUrl}/v1/kv/prenv-readiness-probe`, { headers });
        return kv.status === 404 || kv.ok;
      },
      30_000,
    );
  try {
    await ready();
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    httpUrl,
    dnsPort: dns,
    token,
    logs: () => proc.logs(),
    async restart() {
      const kv = await fetch(`${httpUrl}/v1/kv/?recurse=true`, { headers });
      const entries = kv.status === 404 ? [] : ((await kv.json()) as KvEntry[]);
      await proc.stop();
      proc = launch();
      await ready();
      for (const e of entries) {
        const res = await fetch(
          `${httpUrl}/v1/kv/${e.Key.split('/').map(encodeURIComponent).join('/')}?flags=${e.Flags}`,
          {
            method: 'PUT',
            headers,
            body: e.Value === null ? '' : Buffer.from(e.Value, 'base64'),
          },
        );
        if (!res.ok) throw new Error(`consul: restoring KV ${e.Key} answered ${res.status}`);
      }
    },
    async stop() {
      await proc.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts one Consul dev agent for the calling test file (beforeAll), stops it
 * and its children (afterAll), and prints its output when a test fails.
 */
export function useConsul(options: ConsulStartOptions = {}): () => ConsulProcess {
  return useProcess('Consul', () => startConsul(options), 'useConsul');
}
