// What the fake root modules would create: servers computed from the backend key and vars.
import { createHash } from 'node:crypto';
import fs from 'node:fs';

/** `prenv/pr/7.tfstate` → { environment: 'pr', pr: 7 }; `prenv/staging.tfstate` → staging. */
export function targetOfKey(key) {
  const pr = /^prenv\/pr\/(\d+)\.tfstate$/.exec(key);
  if (pr) return { environment: 'pr', pr: Number(pr[1]) };
  const env = /^prenv\/(production|staging)\.tfstate$/.exec(key);
  if (env) return { environment: env[1] };
  return { environment: 'other' };
}

/** Variables from `-var-file` JSON files over `TF_VAR_*` strings, as Terraform orders them. */
export function readVars(varFiles) {
  const vars = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith('TF_VAR_')) vars[name.slice('TF_VAR_'.length)] = value;
  }
  for (const file of varFiles) {
    if (!file.endsWith('.json')) throw new Error(`the fake only reads JSON var files, got ${file}`);
    Object.assign(vars, JSON.parse(fs.readFileSync(file, 'utf8')));
  }
  return vars;
}

const hash = (s) => createHash('sha256').update(s).digest().readUInt32BE(0);

/** Servers as terraform/modules/base names them (module.preview / module.cluster). */
export function desiredServers(target, vars) {
  const serverType = vars.server_type ?? 'cx22';
  const location = vars.location ?? 'nbg1';
  const project = vars.project ?? 'prenv';
  const server = (addr, name, privateIp) => ({
    addr,
    attributes: {
      id: String(10_000_000 + (hash(name) % 89_999_999)),
      name,
      server_type: serverType,
      location,
      image: vars.image ?? 'debian-12',
      ipv4_address: `203.0.113.${(hash(name) % 250) + 2}`,
      private_ip: privateIp,
      labels: {
        project,
        environment: target.environment,
        pr: String(target.pr ?? 'none'),
        'managed-by': 'prenv',
      },
    },
  });
  if (target.environment === 'pr') {
    const name = `pr-${target.pr}-${project}-client-1`;
    return [
      server('module.preview.hcloud_server.client[0]', name, `10.0.3.${(target.pr % 250) + 2}`),
    ];
  }
  const subnet = target.environment === 'production' ? 1 : 2;
  const count = Number(vars.server_count ?? (target.environment === 'production' ? 3 : 1));
  return Array.from({ length: count }, (_, i) =>
    server(
      `module.cluster.hcloud_server.server[${i}]`,
      `${project}-${target.environment}-server-${i + 1}`,
      `10.0.${subnet}.${i + 2}`,
    ),
  );
}

/** Changes from `current` to `desired`, in the order Terraform would apply them. */
export function diff(current, desired) {
  const byAddr = new Map(current.map((s) => [s.addr, s]));
  const changes = [];
  for (const want of desired) {
    const have = byAddr.get(want.addr);
    if (!have) changes.push({ action: 'create', addr: want.addr, next: want });
    else if (JSON.stringify(have.attributes) !== JSON.stringify(want.attributes)) {
      changes.push({ action: 'update', addr: want.addr, prev: have, next: want });
    }
  }
  const wanted = new Set(desired.map((s) => s.addr));
  for (const have of current) {
    if (!wanted.has(have.addr)) changes.push({ action: 'delete', addr: have.addr, prev: have });
  }
  return changes;
}

export function counts(changes) {
  return {
    add: changes.filter((c) => c.action === 'create').length,
    change: changes.filter((c) => c.action === 'update').length,
    remove: changes.filter((c) => c.action === 'delete').length,
  };
}

const value = (type) => (v) => ({ sensitive: false, type, value: v });
const list = value(['list', 'string']);
const string = value('string');
const number = value('number');

/** The outputs of terraform/environments/<env>/outputs.tf that the fake can compute. */
export function outputsOf(target, servers, vars) {
  if (servers.length === 0) return {};
  const project = vars.project ?? 'prenv';
  const names = list(servers.map((s) => s.attributes.name));
  const publicIps = list(servers.map((s) => s.attributes.ipv4_address));
  const privateIps = list(servers.map((s) => s.attributes.private_ip));
  const outputs =
    target.environment === 'pr'
      ? {
          node_names: names,
          public_ips: publicIps,
          private_ips: privateIps,
          pr_number: number(target.pr),
          environment_url: string(
            `https://pr-${target.pr}.${vars.preview_domain ?? 'pr.example.com'}`,
          ),
        }
      : {
          network_id: string(String(4_000_000 + (hash(target.environment) % 999_999))),
          node_names: names,
          server_public_ips: publicIps,
          server_private_ips: privateIps,
          environment_url: string(`https://${vars.domain ?? 'example.com'}`),
          // Only environments/production/outputs.tf declares these two.
          ...(target.environment === 'production'
            ? {
                ssh_key_names: list(vars.ssh_key_names ?? [`${project}-production`]),
                consul_encrypt_key: {
                  sensitive: true,
                  type: 'string',
                  value: vars.consul_encrypt_key ?? '',
                },
              }
            : {}),
        };
  const echo = process.env.PRENV_FAKE_TF_ECHO_ENV;
  if (echo) outputs.echo = string(`${echo}=${process.env[echo] ?? ''}`);
  return outputs;
}
