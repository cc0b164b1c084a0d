/**
 * The bot's webhook host, apart from the job template: `prenv serve` checks it at start without
 * loading the template engine.
 */
import type { Config } from '../../bot/config/config.js';
import { webhookHostClash } from '../../bot/config/routed-hosts.js';

/** The webhook host when none is given: `prenv.<domain>`. */
export function defaultWebhookHost(config: Config): string {
  return `prenv.${config.domain}`;
}

/**
 * The bot's webhook host: `given` (from `source`, e.g. `PRENV_WEBHOOK_HOST` or `--host`) or the
 * default, with the message of its clash with a host prenv.yml routes (null when none).
 */
export function webhookHostOf(
  config: Config,
  given: string | undefined,
  source: string,
): { host: string; clash: string | null } {
  const host = given ?? defaultWebhookHost(config);
  const name = given === undefined ? `the webhook host (default ${host})` : source;
  return { host, clash: webhookHostClash(config, host, name) };
}
