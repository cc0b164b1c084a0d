import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ConsulServices } from '../../../bot/adapters/consul/client.js';
import type { ServiceRegistration } from '../../../bot/adapters/consul/services.js';
import type { FakeNodeInput } from '../nomad-api/cluster.js';
import type { FakeNomad } from '../nomad-api/server.js';
import { startLocalHttpServer, type LocalHttpServer } from '../../support/local-http-server.js';

interface ApiService {
  Name?: string;
  Checks?: { Type?: string; Path?: string }[];
}
interface ApiGroup {
  Name?: string;
  Services?: ApiService[];
  Meta?: Record<string, string> | null;
}

/**
 * Plays Hetzner and the Nomad clients for local runs: a server in the fake Terraform's state
 * becomes a ready Nomad node (a PR's in pool `previews` with meta pr; production's and
 * staging's in pool `default`, named as the servers), and every service of a job the fake
 * Nomad accepted becomes a local HTTP server registered in the real Consul, so Caddy can
 * reach it through Consul DNS. Nothing here talks to a cloud.
 */
export class SimulatedCloud {
  /** Node id by node name. */
  private readonly nodes = new Map<string, string>();
  private readonly services = new Map<
    string,
    { server: LocalHttpServer; sha: string; registration: ServiceRegistration }
  >();
  private timer: ReturnType<typeof setInterval> | undefined;
  private syncing: Promise<void> | null = null;

  constructor(
    private readonly options: {
      stateDir: string;
      nomad: FakeNomad;
      consul: ConsulServices;
      intervalMs?: number;
      /** The environments whose servers join this Nomad (default all: one cluster plays both). */
      envs?: readonly ('pr' | 'production' | 'staging')[];
      /**
       * Another Consul that also lists each service: the one whose DNS prenv.yml's
       * `consul.dns` names, when this cloud plays a second cluster (one DNS address serves the
       * Caddys of both on one machine, where each cluster's node has its own at 127.0.0.1:8600).
       */
      dnsConsul?: ConsulServices;
    },
  ) {}

  start(): void {
    // A pass that fails (Consul restarting) is retried on the next tick, as Nomad retries its
    // service registrations.
    this.timer = setInterval(
      () => void this.sync().catch(() => undefined),
      this.options.intervalMs ?? 50,
    );
  }

  /**
   * After the Consul agent restarted (it keeps no service in memory): registers every running
   * service again, as a Nomad client's service sync does with the registrations its agent lost.
   */
  async reregister(): Promise<void> {
    await this.sync().catch(() => undefined);
    for (const { registration } of this.services.values())
      await this.options.consul.register(registration);
  }

  /** One reconciliation pass; concurrent calls share it. */
  sync(): Promise<void> {
    this.syncing ??= this.syncOnce().finally(() => {
      this.syncing = null;
    });
    return this.syncing;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.syncing?.catch(() => undefined);
    for (const [id, { server }] of this.services) {
      await this.options.consul.deregister(id).catch(() => undefined);
      await this.options.dnsConsul?.deregister(id).catch(() => undefined);
      await server.close();
    }
    this.services.clear();
  }

  /** PR numbers whose preview server exists in the fake Terraform state. */
  async servers(): Promise<number[]> {
    const dir = path.join(this.options.stateDir, 'prenv', 'pr');
    const names = await readdir(dir).catch(() => [] as string[]);
    const out: number[] = [];
    for (const name of names) {
      const match = /^(\d+)\.tfstate$/.exec(name);
      if (!match) continue;
      const state = JSON.parse(await readFile(path.join(dir, name), 'utf8')) as {
        resources?: unknown[];
      };
      if ((state.resources ?? []).length > 0) out.push(Number(match[1]));
    }
    return out.sort((a, b) => a - b);
  }

  /** Names of the servers of `production` or `staging` in the fake Terraform state. */
  async clusterServers(env: 'production' | 'staging'): Promise<string[]> {
    return (await this.serverAttributes(env)).map((a) => a.name ?? '').filter((n) => n !== '');
  }

  /** The server_type of each server in the env's state, in order. */
  async clusterServerTypes(env: 'production' | 'staging'): Promise<string[]> {
    return (await this.serverAttributes(env)).map((a) => a.server_type ?? '');
  }

  private async serverAttributes(
    env: 'production' | 'staging',
  ): Promise<{ name?: string; server_type?: string }[]> {
    const file = path.join(this.options.stateDir, 'prenv', `${env}.tfstate`);
    const text = await readFile(file, 'utf8').catch(() => null);
    if (text === null) return [];
    const state = JSON.parse(text) as {
      resources?: {
        type?: string;
        instances?: { attributes?: { name?: string; server_type?: string } }[];
      }[];
    };
    return (state.resources ?? [])
      .filter((r) => r.type === 'hcloud_server')
      .flatMap((r) => (r.instances ?? []).map((i) => i.attributes ?? {}));
  }

  private async syncNodes(): Promise<void> {
    const wanted = new Map<string, FakeNodeInput>();
    const envs = this.options.envs ?? ['pr', 'production', 'staging'];
    for (const pr of envs.includes('pr') ? await this.servers() : []) {
      const name = `pr-${pr}-client-1`;
      wanted.set(name, { name, pr, nodePool: 'previews' });
    }
    for (const env of ['production', 'staging'] as const) {
      if (!envs.includes(env)) continue;
      for (const name of await this.clusterServers(env)) {
        wanted.set(name, { name, nodePool: 'default' });
      }
    }
    for (const [name, node] of wanted) {
      if (!this.nodes.has(name)) this.nodes.set(name, this.options.nomad.addNode(node));
    }
    for (const [name, id] of this.nodes) {
      if (!wanted.has(name)) {
        this.options.nomad.removeNode(id);
        this.nodes.delete(name);
      }
    }
  }

  private async syncOnce(): Promise<void> {
    await this.syncNodes();
    const wanted = new Map<string, { name: string; healthPath: string; sha: string }>();
    for (const job of this.options.nomad.cluster.jobs.values()) {
      if (job.Stop === true) continue;
      const jobSha = (job.Meta as Record<string, string> | undefined)?.prenv_sha;
      for (const group of (job.TaskGroups as ApiGroup[] | undefined) ?? []) {
        // prenv puts the commit on the groups that use it; a group without it keeps running.
        const sha = String(group.Meta?.prenv_sha ?? jobSha ?? '');
        for (const svc of group.Services ?? []) {
          if (!svc.Name) continue;
          const check = svc.Checks?.find((c) => c.Type === 'http');
          wanted.set(`${job.ID}--${svc.Name}`, {
            name: svc.Name,
            healthPath: check?.Path ?? '/',
            sha,
          });
        }
      }
    }
    for (const [id, { server }] of this.services) {
      if (wanted.get(id)?.sha === this.services.get(id)?.sha) continue;
      this.services.delete(id);
      await this.options.consul.deregister(id).catch(() => undefined);
      await this.options.dnsConsul?.deregister(id).catch(() => undefined);
      await server.close();
    }
    for (const [id, svc] of wanted) {
      if (this.services.has(id)) continue;
      const server = await startLocalHttpServer(`${svc.name} ${svc.sha}`);
      const registration: ServiceRegistration = {
        id,
        name: svc.name,
        address: '127.0.0.1',
        port: server.port,
        check: { http: `${server.url}${svc.healthPath}`, interval: '1s', timeout: '1s' },
      };
      this.services.set(id, { server, sha: svc.sha, registration });
      await this.options.consul.register(registration);
      await this.options.dnsConsul?.register(registration);
    }
  }
}
