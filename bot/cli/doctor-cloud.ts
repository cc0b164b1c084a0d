import type { Config } from '../config/config.js';
import { createHetznerClient, HetznerError } from '../adapters/hetzner/index.js';
import {
  checkServerTypes,
  serverTypeUses,
  type ServerTypeFacts,
  type ServerTypeFinding,
} from '../core/server-type-check.js';
import { capacityProblems, capacityReport } from '../../generators/capacity.js';
import type { DoctorCheck } from './doctor-report.js';

/**
 * The server types prenv.yml uses, against Hetzner's `GET /server_types` when a token is set
 * (PRENV_HCLOUD_TOKEN or HCLOUD_TOKEN) and `online`, else against prenv's own table. A refused
 * or unreachable API is its own `hetzner-api` check, and the table answers.
 */
export async function serverTypeChecks(
  config: Config,
  env: Record<string, string | undefined>,
  options: { online: boolean; fetch: typeof fetch; now: number },
): Promise<{ findings: ServerTypeFinding[]; api: DoctorCheck | null }> {
  const token = env.PRENV_HCLOUD_TOKEN ?? env.HCLOUD_TOKEN;
  let live: ServerTypeFacts[] | null = null;
  let api: DoctorCheck | null = null;
  if (options.online && token) {
    const client = createHetznerClient({
      baseUrl: env.PRENV_HCLOUD_API_URL ?? 'https://api.hetzner.cloud/v1',
      token,
      fetch: options.fetch,
      requestTimeoutMs: 10_000,
    });
    try {
      live = await client.listServerTypes!();
      api = {
        name: 'hetzner-api',
        status: 'ok',
        detail: `token accepted; ${live.length} server types listed`,
      };
    } catch (err) {
      if (!(err instanceof HetznerError)) throw err;
      api = { name: 'hetzner-api', status: 'error', detail: err.message };
    }
  }
  const findings = checkServerTypes({
    uses: serverTypeUses(config),
    location: config.hetzner.location,
    live,
    now: options.now,
    ...(token
      ? {
          tableNote: options.online
            ? "Hetzner's API did not answer, see hetzner-api"
            : "without --offline Hetzner's /server_types answers",
        }
      : {}),
  });
  return { findings, api };
}

/** Each environment's reservations against its nodes (generators/capacity.ts), one check. */
export function capacityCheck(config: Config): DoctorCheck {
  const envs = ['production', 'staging', 'pr'] as const;
  const problems = envs.flatMap((e) => capacityProblems(config, e).map((p) => p.message));
  if (problems.length > 0)
    return { name: 'capacity', status: 'error', detail: problems.join('\n') };
  const unknown = envs.some((e) => capacityReport(config, e).availableMiB === undefined);
  const lines = envs.map((e) => {
    const r = capacityReport(config, e);
    const of =
      r.availableMiB === undefined
        ? "(server type not in prenv's table: its memory is unknown, so nothing was checked)"
        : `of ${r.availableMiB.toLocaleString('en-US')} MiB`;
    return `${e}: tasks reserve ${r.neededMiB.toLocaleString('en-US')} MiB ${of} on ${r.servers} × ${r.serverType}`;
  });
  return { name: 'capacity', status: unknown ? 'warn' : 'ok', detail: lines.join('\n') };
}
