import type { SecretRef } from './interpolate-compose.js';

/** The Compose document after interpolation and schema validation, and what sits beside it. */
export interface ComposeInput {
  compose: Record<string, unknown>;
  secretRefs?: readonly SecretRef[];
  /** Variables of each service's `env_file`s, in order (later files win), keyed by Compose service name. */
  envFiles?: Readonly<Record<string, readonly { file: string; values: Record<string, string> }[]>>;
  /** `env_file`s that were required and not found. */
  missingEnvFiles?: readonly { service: string; file: string }[];
  /** Config files of reverse-proxy services (nginx), keyed by Compose service name. */
  proxyConfigs?: Readonly<Record<string, readonly { file: string; text: string }[]>>;
}
