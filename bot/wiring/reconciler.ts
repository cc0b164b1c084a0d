import path from 'node:path';
import type { Config } from '../config/config.js';
import type { Logger } from '../core/logger.js';
import type { PlanContext } from '../core/plan-context.js';
import { createHetznerClient, type HetznerApi } from '../adapters/hetzner/index.js';
import type { Ports } from './ports.js';
import type { RuntimeSettings } from './settings.js';
import { terraformStateProbe } from '../runtime/reconcile-cleanup.js';
import { Reconciler, type ReconcilerDeps } from '../runtime/reconciler.js';
import { caddyRoute } from '../../generators/caddy/route-json.js';
import { envRoutes } from '../../generators/caddy/routes.js';

/** The Hetzner client from the settings; null without a token. */
export function hetznerFromSettings(settings: RuntimeSettings, logger: Logger): HetznerApi | null {
  const { token, apiUrl } = settings.hcloud;
  return token ? createHetznerClient({ baseUrl: apiUrl, token, fetch, logger }) : null;
}

/** A reconciler over the wired ports, handing its events to `engine`. */
export function createReconciler(input: {
  config: Config;
  settings: RuntimeSettings;
  ports: Ports;
  engine: ReconcilerDeps['engine'];
  logger: Logger;
  cwd: string;
  hetzner?: HetznerApi | null;
  context?: () => PlanContext;
}): Reconciler {
  const { ports, settings } = input;
  return new Reconciler({
    project: input.config.project,
    github: ports.github,
    store: ports.store,
    nomad: ports.nomad,
    consulAcl: ports.consul.acl,
    caddy: ports.caddy,
    fixedRoute: (env) => caddyRoute(envRoutes(input.config, { kind: env })),
    hetzner:
      input.hetzner === undefined ? hetznerFromSettings(settings, input.logger) : input.hetzner,
    hasTerraformState: terraformStateProbe(
      ports.terraform,
      path.resolve(input.cwd, settings.terraform.dir),
    ),
    ops: ports.ops,
    engine: input.engine,
    context: input.context ?? ports.context,
    logger: input.logger,
  });
}
