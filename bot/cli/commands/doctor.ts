import type { CommandSpec } from '../command-spec.js';

export const doctorCommand: CommandSpec = {
  name: 'doctor',
  description:
    "check Node, the external tools, prenv.yml, Hetzner's server types, capacity, and every endpoint prenv drives",
  options: [
    { flags: '--json', description: 'print one JSON object' },
    {
      flags: '--offline',
      description:
        "skip what needs the network: Hetzner's API and the Nomad, Consul and Caddy endpoints",
    },
  ],
  load: () => import('../actions/doctor.js'),
};
