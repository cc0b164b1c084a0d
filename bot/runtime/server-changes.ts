/**
 * Which planned changes would disrupt a production or staging server, and whether a deploy
 * may go on. Terraform's machine-readable plan (`planned_change`) says a server is updated,
 * replaced or deleted, not which attribute changes; an in-place update of an `hcloud_server`
 * can be a resize (`server_type`), which the hcloud provider performs by powering the server
 * off, for every changed server in the same apply. So every such change is shown and needs an
 * explicit flag, and more than one server at once in production is refused with the way to
 * roll it.
 */
import type { ClusterEnvironment } from '../core/model.js';

export interface ResourceChange {
  address: string;
  action: string;
}

const DISRUPTIVE = new Set(['update', 'replace', 'delete', 'remove']);

export function serverChanges(changes: readonly ResourceChange[]): ResourceChange[] {
  return changes.filter(
    (c) => /(^|\.)hcloud_server\.[^.]+$/.test(c.address) && DISRUPTIVE.has(c.action),
  );
}

export class ServerChangeRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServerChangeRefused';
  }
}

/** Null when the deploy may apply; otherwise why not and what to do. */
export function serverChangeRefusal(
  env: ClusterEnvironment,
  changes: readonly ResourceChange[],
  allowServerChanges: boolean,
): string | null {
  const servers = serverChanges(changes);
  if (servers.length === 0) return null;
  const list = servers.map((c) => `  ${c.action} ${c.address}`).join('\n');
  if (!allowServerChanges) {
    return (
      `the Terraform plan of ${env} changes servers:\n${list}\n` +
      'An update can be a resize (server_type), which powers the server off; a replace ' +
      'destroys its disk and host volumes. Review `prenv plan ' +
      `${env}\`, then run again with --allow-server-changes (and --yes).`
    );
  }
  if (env === 'production' && servers.length > 1) {
    const targets = servers
      .map(
        (c) =>
          `  terraform apply -target='${c.address}'   # then wait for \`nomad server members\``,
      )
      .join('\n');
    return (
      `the Terraform plan of production changes ${servers.length} servers at once:\n${list}\n` +
      'prenv applies it only one server at a time, so Nomad and Consul keep their quorum. ' +
      `Roll it from terraform/environments/production, one after the other:\n${targets}\n` +
      'then deploy again.'
    );
  }
  return null;
}
