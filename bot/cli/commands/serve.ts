import type { CommandSpec } from '../command-spec.js';
import { PORT_RULE } from '../whole-number-option.js';

export const serveCommand: CommandSpec = {
  name: 'serve',
  description:
    'run the GitHub App bot: webhooks in, PR environments out (credentials from PRENV_* variables)',
  options: [
    { flags: '--port <n>', description: 'port to listen on', default: '8080', whole: PORT_RULE },
    { flags: '--host <address>', description: 'address to listen on', default: '127.0.0.1' },
  ],
  load: () => import('../actions/serve.js'),
};
