import { BOT_SERVICE_NAME } from '../../../generators/nomad/bot-job.js';
import { PREVIEW_AUTH } from '../../../generators/caddy/routes.js';
import { CliError, ExitCode } from '../exit-codes.js';
import type { CliRuntime } from './runtime.js';

const WORKFLOW_ONLY_HINT =
  'Without a bot (workflow-only mode) set `previews: { protect: none }` in prenv.yml';

/**
 * Before `prenv deploy pr N` starts anything: with `previews.protect` other than `none`, every
 * request to the preview first goes to the bot (Caddy's forward_auth to `PREVIEW_AUTH.upstream`,
 * the Consul service `prenv-bot`), and the deploy's last check passes that gate only with the
 * bypass token derived from the bot's webhook secret (preview-bypass.ts). Throws a CliError
 * (exit 3) when Consul lists no healthy bot, or PRENV_WEBHOOK_SECRET is unset, with what to
 * do; a Consul that cannot be asked is left for the deploy to report.
 */
export async function checkPreviewGate(
  runtime: CliRuntime,
  env: Record<string, string | undefined>,
  pr: number,
): Promise<void> {
  const protect = runtime.config.previews.protect;
  if (protect === 'none') return;
  const bots = await runtime.ports.consul.services.healthy(BOT_SERVICE_NAME).catch(() => null);
  if (bots === null) return;
  if (bots.length === 0)
    throw new CliError(
      `cannot deploy pr-${pr}: previews.protect is ${protect} (prenv.yml), so Caddy sends every ` +
        `request to the preview to the bot first (forward_auth to ${PREVIEW_AUTH.upstream}${PREVIEW_AUTH.verifyPath}), ` +
        `and Consul lists no healthy ${BOT_SERVICE_NAME} service: the preview would answer no one. ` +
        `${WORKFLOW_ONLY_HINT}; otherwise start the bot (its Nomad job, or prenv serve) first.`,
      ExitCode.config,
    );
  if (!env.PRENV_WEBHOOK_SECRET)
    throw new CliError(
      `cannot deploy pr-${pr}: previews.protect is ${protect} (prenv.yml), so the bot checks every ` +
        "request to the preview, and this deploy's last check gets past it only with a token " +
        'derived from the bot’s webhook secret: set PRENV_WEBHOOK_SECRET to the bot’s. ' +
        `${WORKFLOW_ONLY_HINT}.`,
      ExitCode.config,
    );
}
