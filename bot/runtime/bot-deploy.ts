import type { Config } from '../config/config.js';
import { botRoute, renderBotJob } from '../../generators/nomad/bot-job.js';
import type { TemplateSources } from '../../generators/templates.js';
import { checkJobFile } from '../../generators/validate/job-file.js';
import type { JobspecSchema } from '../../generators/validate/jobspec.js';
import type { AddRouteOutcome, CaddyAdminClient } from '../adapters/caddy/admin-client.js';
import { requestThroughEntry, type EntryAnswer } from '../adapters/caddy/probe.js';
import { submitJob, type NomadApi } from '../adapters/nomad/index.js';
import type { ClusterRun } from './cluster-ops.js';
import { entryFor } from './route-probe.js';
import { waitForJobDeployment, waitForRoute, type WaitOptions } from './waits.js';

export interface BotDeployDeps {
  config: Config;
  templates: TemplateSources;
  schema: JobspecSchema;
  nomad: NomadApi;
  caddy: CaddyAdminClient;
  /** Caddy as prenv reaches it (PRENV_CADDY_HTTP); set, the webhook host's /healthz is requested through it. */
  entry?: string;
  request?: typeof requestThroughEntry;
  wait: Omit<WaitOptions, 'signal'>;
}

export interface BotDeployResult {
  job: string;
  route: AddRouteOutcome;
}

/** The owner prenv marks the bot's job with (bot/adapters/nomad/ownership.ts). */
const botOwner = (config: Config) => ({ project: config.project, env: 'bot' });

/**
 * The bot's part of `prenv deploy production`: renders and validates its job
 * (nomad/prenv-bot.nomad.hcl.hbs) for `image`, submits it like every prenv job (plan, then
 * register with EnforceIndex; an unchanged job is left running), waits for its Nomad
 * deployment, applies the webhook host's route to every entry Caddy, and, when `entry` is set,
 * waits until the host's `/healthz` answers 2xx through Caddy. Throws on the first failure.
 */
export async function deployBot(
  deps: BotDeployDeps,
  input: { image: string; host: string },
  run: ClusterRun,
): Promise<BotDeployResult> {
  const options = { image: input.image, host: input.host };
  const text = renderBotJob(deps.config, options, deps.templates);
  const check = await checkJobFile('prenv-bot.nomad.hcl', text, deps.schema);
  if (!check.ok) throw new Error(check.message);
  const signal = run.signal ? { signal: run.signal } : {};

  run.step('submitting prenv-bot.nomad.hcl');
  const job = await deps.nomad.parseJob(text);
  const { summary } = await submitJob(deps.nomad, job, botOwner(deps.config));
  run.note(summary.text);
  const id = job.ID ?? 'prenv-bot';
  run.step(`waiting for the Nomad deployment of ${id}`);
  const deployment = await waitForJobDeployment(deps.nomad, id, { ...deps.wait, ...signal });
  if (deployment.status === 'failed')
    throw new Error(
      `the Nomad deployment of ${id} failed (${deployment.description}); see \`nomad job status ${id}\``,
    );

  run.step(`routing ${input.host} to the bot`);
  const route = await deps.caddy.addRoute('bot', botRoute(deps.config, input.host));
  run.note(`route prenv-bot: ${route}`);

  if (deps.entry) {
    const entry = entryFor(deps.entry, input.host);
    const send = deps.request ?? requestThroughEntry;
    run.step(`requesting ${input.host}/healthz through Caddy`);
    const verdict = await waitForRoute(
      async () =>
        judgeHealthz(entry, input.host, await send({ entry, host: input.host, path: '/healthz' })),
      { ...deps.wait, ...signal },
    );
    run.note(verdict.text);
  }
  return { job: id, route };
}

function judgeHealthz(entry: string, host: string, answer: EntryAnswer) {
  const what = `GET ${host}/healthz through ${entry}`;
  if (answer.status >= 200 && answer.status < 300)
    return { ok: true, text: `${what} answered ${answer.status}` };
  const got =
    answer.status === 0 ? `no answer (${answer.error ?? 'closed'})` : `answered ${answer.status}`;
  return { ok: false, text: `${what}: ${got}; the bot's /healthz must answer 2xx` };
}
