/**
 * What a PR's preview node needs from production, read from production's
 * `terraform output -json` (`{ "<name>": { "value": …, "type": …, "sensitive": bool } }`,
 * Terraform's documented shape) rather than from a hand-made file.
 */
export interface PreviewFacts {
  network_id: number;
  server_private_ips: string[];
  ssh_key_names: string[];
  consul_encrypt_key: string;
}

export class ProductionOutputsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProductionOutputsError';
  }
}

type Outputs = Record<string, unknown>;

function valueOf(outputs: Outputs, name: string): unknown {
  const entry = outputs[name];
  if (entry === undefined || entry === null) {
    throw new ProductionOutputsError(
      `production's Terraform state has no output "${name}": apply production first ` +
        '(prenv deploy production), with a terraform/environments/production that declares it',
    );
  }
  if (typeof entry !== 'object' || !('value' in entry)) {
    throw new ProductionOutputsError(
      `output "${name}" is not in the shape of \`terraform output -json\` ({ "value": … })`,
    );
  }
  return (entry as { value: unknown }).value;
}

const isStringList = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((x) => typeof x === 'string');

/**
 * Maps production's outputs to the PR module's variables. `network_id` may be a number or a
 * numeric string (Hetzner IDs); SSH keys may be names or IDs (both accepted by hcloud_server).
 * Throws ProductionOutputsError naming the output that is missing or malformed.
 */
export function previewFactsFromOutputs(outputs: Outputs): PreviewFacts {
  const networkId = Number(valueOf(outputs, 'network_id'));
  if (!Number.isSafeInteger(networkId) || networkId <= 0) {
    throw new ProductionOutputsError('output "network_id" is not a Hetzner network ID');
  }
  const ips = valueOf(outputs, 'server_private_ips');
  if (!isStringList(ips) || ips.length === 0) {
    throw new ProductionOutputsError('output "server_private_ips" is not a list of IP addresses');
  }
  const keys = valueOf(outputs, 'ssh_key_names');
  const keyList = Array.isArray(keys) ? keys.map(String) : [];
  if (!Array.isArray(keys)) {
    throw new ProductionOutputsError('output "ssh_key_names" is not a list');
  }
  const gossip = valueOf(outputs, 'consul_encrypt_key');
  if (typeof gossip !== 'string') {
    throw new ProductionOutputsError('output "consul_encrypt_key" is not a string');
  }
  return {
    network_id: networkId,
    server_private_ips: ips,
    ssh_key_names: keyList,
    consul_encrypt_key: gossip,
  };
}
