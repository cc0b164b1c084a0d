import { createHash } from 'node:crypto';
import type { SimulatedCloud } from '../cloud/simulated-cloud.js';
import type { FakeServer } from './server.js';

/** The id the fake terraform gives a server of this name, so both agree. */
export function serverId(name: string): number {
  return 10_000_000 + (createHash('sha256').update(name).digest().readUInt32BE(0) % 89_999_999);
}

/**
 * The preview servers the fake Terraform state holds, as Hetzner would list them: named and
 * labelled as `terraform/modules/base` does.
 */
export function simulatedCloudServers(
  cloud: Pick<SimulatedCloud, 'servers'>,
  project: string,
): () => Promise<FakeServer[]> {
  return async () =>
    (await cloud.servers()).map((pr) => {
      const name = `pr-${pr}-${project}-client-1`;
      return {
        id: serverId(name),
        name,
        labels: {
          project,
          environment: 'pr',
          pr: String(pr),
          'managed-by': 'prenv',
          role: 'client',
          entry: 'false',
        },
      };
    });
}
