import type { Config } from '../../config/config.js';
import type { DeadLetter } from '../../adapters/store/state-store.js';
import type { PriceTable } from '../../core/prices.js';
import type { World } from '../../core/model.js';
import { formatDuration } from '../../core/format.js';

/** What an adapter found out about production or staging: the deployed commit and its servers. */
export interface DeploymentInfo {
  deployedSha: string | null;
  /** Milliseconds since the epoch. */
  deployedAt: number | null;
  /** Server names; empty: use the names Terraform gives them (`<project>-<env>-server-N`). */
  servers: string[];
}

/** Everything the list, status and cost views read; `null` deployments are unknown. */
export interface ViewInput {
  config: Config;
  world: World;
  now: number;
  production: DeploymentInfo | null;
  staging: DeploymentInfo | null;
  prices?: PriceTable;
  /** Deliveries the bot gave up on (none when not read). */
  deadLetters?: DeadLetter[];
}

export type FixedEnv = 'production' | 'staging';

function scheme(config: Config): string {
  return config.tls.mode === 'off' ? 'http' : 'https';
}

export function previewUrl(config: Config, pr: number): string {
  return `${scheme(config)}://${config.previews.host.replace('{{number}}', String(pr))}`;
}

export function fixedUrl(config: Config, env: FixedEnv): string {
  return `${scheme(config)}://${config.environments[env].host}`;
}

/** The Hetzner server of env `pr-N`, as the Terraform module names it. */
export function previewNodeName(project: string, pr: number): string {
  return `pr-${pr}-${project}-client-1`;
}

export function fixedNodeNames(config: Config, env: FixedEnv, info: DeploymentInfo | null) {
  if (info && info.servers.length > 0) return [...info.servers];
  const count = config.environments[env].servers;
  return Array.from({ length: count }, (_, i) => `${config.project}-${env}-server-${i + 1}`);
}

/** Ages and waits: `42s`, `5m 03s`, `7h 05m`, `3d 04h`. */
export function formatAge(ms: number): string {
  if (ms < 86_400_000) return formatDuration(ms);
  const hours = Math.floor(ms / 3_600_000);
  return `${Math.floor(hours / 24)}d ${String(hours % 24).padStart(2, '0')}h`;
}

export function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

export function euros(amount: number | null, digits = 2): string {
  return amount === null ? '?' : `€${amount.toFixed(digits)}`;
}

export const NONE = '—';

/** User-controlled text for a terminal: control characters (ANSI escapes…) shown as `?`. */
export function terminalSafe(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '?');
}
