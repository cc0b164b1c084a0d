/** Where commands look for prenv.yml without --config (kept apart: `--help` loads no parser). */
export const DEFAULT_CONFIG_FILE = 'prenv.yml';
