import { spawn } from 'node:child_process';
import { findTool } from '../../adapters/system/tool-probe.js';
import type { ActionInput } from '../command-spec.js';
import { CliError, ExitCode, type ExitCodeValue } from '../exit-codes.js';
import type { ClusterEnvironment } from '../../core/model.js';
import { isSshDestination, tunnelArgs, tunnelVariables } from '../reach/tunnel-plan.js';

interface TunnelOptions {
  ssh?: string;
  print?: boolean;
}

/** `prenv tunnel <env>`: runs `ssh -N -L …` in the foreground until it ends (Ctrl-C). */
export async function action({
  ctx,
  args,
  opts,
}: ActionInput<TunnelOptions>): Promise<ExitCodeValue> {
  const env = args[0];
  if (env !== 'production' && env !== 'staging')
    throw new CliError(
      `prenv tunnel takes production or staging, got "${env ?? ''}" (previews run on production's cluster)`,
      ExitCode.usage,
    );
  const variable = env === 'staging' ? 'PRENV_STAGING_SSH' : 'PRENV_SSH';
  const destination =
    opts.ssh ?? (env === 'staging' ? ctx.env.PRENV_STAGING_SSH : ctx.env.PRENV_SSH);
  if (!destination)
    throw new CliError(
      `prenv tunnel ${env} needs the server to connect to: pass --ssh root@<address> or set ${variable} ` +
        `(\`terraform -chdir=terraform/environments/${env} output -json server_public_ips\` lists the addresses)`,
      ExitCode.usage,
    );
  if (!isSshDestination(destination))
    throw new CliError(
      `${opts.ssh === undefined ? variable : '--ssh'} must be user@host or host, got ${JSON.stringify(destination)}`,
      ExitCode.usage,
    );
  const sshArgs = tunnelArgs(env, destination);
  const exports = tunnelVariables(env).map(([name, value]) => `export ${name}=${value}`);
  if (opts.print) {
    ctx.stdout([`ssh ${sshArgs.join(' ')}`, ...exports].join('\n') + '\n');
    return ExitCode.ok;
  }
  // Before the banner: its exports would tell the user to use a tunnel that never came up.
  const bin = await findTool('ssh', ctx.env);
  if (!bin)
    throw new CliError(
      ctx.env.PRENV_SSH_BIN
        ? `cannot run PRENV_SSH_BIN=${ctx.env.PRENV_SSH_BIN}: it is not an executable file`
        : "cannot run ssh: it is not on PATH; install OpenSSH's client, or set PRENV_SSH_BIN",
    );
  ctx.stderr(
    [
      `prenv: forwarding ${env}'s Nomad, Consul and Caddy admin APIs through ${destination}; Ctrl-C ends it.`,
      'prenv: in another shell (or before `prenv deploy`, `prenv doctor`):',
      ...exports.map((line) => `  ${line}`),
      '',
    ].join('\n'),
  );
  return runSsh(bin, sshArgs, env);
}

function runSsh(bin: string, sshArgs: string[], env: ClusterEnvironment): Promise<ExitCodeValue> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, sshArgs, { stdio: 'inherit' });
    child.on('error', (err: NodeJS.ErrnoException) =>
      reject(
        new CliError(
          err.code === 'ENOENT'
            ? `cannot run ${bin}: install OpenSSH's client, or set PRENV_SSH_BIN`
            : `cannot run ${bin}: ${err.message}`,
        ),
      ),
    );
    child.on('exit', (code, signal) => {
      if (code === 0 || signal === 'SIGINT' || signal === 'SIGTERM') return resolve(ExitCode.ok);
      reject(
        new CliError(
          `the ${env} tunnel ended (ssh exit ${code ?? signal}): check the address and your SSH key, ` +
            'and that no other program uses its local ports (ssh says which above)',
        ),
      );
    });
  });
}
