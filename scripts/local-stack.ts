/**
 * `npm run local-stack [-- --config FILE]`: a local stack to try the prenv CLI against, kept
 * running until Ctrl-C. Caddy and Consul are real; the cloud is simulated.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '../bot/config/load.js';
import { readConfigFile } from '../bot/cli/config-file.js';
import { repoRoot } from '../test/support/tools.js';
import { exportLines, startTryItStack } from './local-stack-env.js';

const out = (line = '') => process.stdout.write(`${line}\n`);

/** A usage or config problem: a sentence and the CLI's exit code (2 usage, 3 config). */
class StartError extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

/** `--config FILE` (default the aipacto example), read and validated as the CLI does. */
async function configArg(argv: string[]): Promise<string> {
  let values: { config?: string | undefined };
  try {
    ({ values } = parseArgs({ args: argv, options: { config: { type: 'string' } }, strict: true }));
  } catch (err) {
    throw new StartError(
      `${(err as Error).message}; usage: npm run local-stack -- [--config FILE]`,
      2,
    );
  }
  const file = path.resolve(values.config ?? path.join(repoRoot, 'examples/aipacto/prenv.yml'));
  const read = await readConfigFile(file, process.cwd());
  if (!read.ok) throw new StartError(new ConfigError(read.problems).message, 3);
  return file;
}

async function main(): Promise<void> {
  const tryIt = await startTryItStack({
    configFile: await configArg(process.argv.slice(2)),
    stagingCluster: true,
  });
  const staging = tryIt.stack.staging;
  const prenv = `node ${path.join(repoRoot, 'bin/prenv.js')} --config ${tryIt.configFile}`;
  out('prenv local stack — the cloud is SIMULATED: Terraform is a local fake that only writes');
  out('state files, Nomad is an API double, and each "server" is a Nomad node of that double');
  out('whose services are local processes. Caddy 2.6.2 and Consul 1.8.7 are real, on 127.0.0.1.');
  if (staging)
    out(
      'Staging is a cluster of its own, as for real: its Nomad, Consul and Caddy (PRENV_STAGING_*).',
    );
  out('Nothing is created at Hetzner and nothing costs money.');
  out();
  out('In a second terminal, paste:');
  out();
  for (const line of exportLines(tryIt.env)) out(`  ${line}`);
  out(`  alias prenv='${prenv}'`);
  out();
  out('Then try:');
  out('  prenv deploy pr 7 --sha 3f2c9a1');
  out('  prenv list');
  out('  prenv cost');
  out(`  curl -H 'Host: pr-7.pr.aipacto.com' ${tryIt.env.PRENV_CADDY_HTTP}/`);
  out('  prenv destroy pr 7');
  out('  prenv deploy production --sha 3f2c9a1 --yes --allow-dirty');
  if (staging) {
    out('  prenv deploy staging --sha 3f2c9a1');
    out(
      `  curl -H 'Host: ${tryIt.stack.config.environments.staging?.host ?? 'staging host'}' ${tryIt.env.PRENV_STAGING_CADDY_HTTP}/`,
    );
  }
  out('  prenv doctor');
  out();
  out('ready — press Ctrl-C to stop everything');

  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  out('stopping…');
  await tryIt.stop();
  out('stopped');
}

main().catch((err: unknown) => {
  if (err instanceof StartError) {
    process.stderr.write(`local-stack: ${err.message}\n`);
    process.exitCode = err.code;
    return;
  }
  process.stderr.write(
    `local stack failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exitCode = 1;
});
