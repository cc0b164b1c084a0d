import type { CommandSpec } from '../command-spec.js';

export const doctorCommand: CommandSpec = {
  name: 'doctor',
  description: 'check Node, the external tools, and prenv.yml',
  options: [{ flags: '--json', description: 'print one JSON object' }],
  load: () => import('../actions/doctor.js'),
};
