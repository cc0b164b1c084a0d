// Entry point: global options, subcommand, flags (spelled and checked as the real CLI does).
import fs from 'node:fs';
import path from 'node:path';
import { runOperation } from './operation.mjs';
import { readBackend, readState, writeBackend } from './state.mjs';
import { earlyDiagnostic, injectedFailure } from './failures.mjs';
import { TF_VERSION, plainDiagnostic, plainError } from './ui.mjs';

const FLAGS = {
  version: ['-json'],
  init: [
    '-input',
    '-no-color',
    '-reconfigure',
    '-lockfile',
    '-migrate-state',
    '-upgrade',
    '-backend-config',
    '-lock',
    '-lock-timeout',
  ],
  plan: [
    '-input',
    '-no-color',
    '-json',
    '-detailed-exitcode',
    '-var-file',
    '-out',
    '-destroy',
    '-lock',
    '-lock-timeout',
  ],
  apply: ['-input', '-no-color', '-json', '-auto-approve', '-var-file', '-lock', '-lock-timeout'],
  destroy: ['-input', '-no-color', '-json', '-auto-approve', '-var-file', '-lock', '-lock-timeout'],
  output: ['-no-color', '-json', '-raw'],
};

function parseFlags(command, args) {
  const flags = { varFiles: [], backendConfig: [], positional: [] };
  for (const arg of args) {
    if (!arg.startsWith('-')) {
      flags.positional.push(arg);
      continue;
    }
    const [name, value] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, 'true'];
    if (!FLAGS[command].includes(name)) {
      process.stderr.write(
        `Error parsing command-line flags: flag provided but not defined: ${name}\n`,
      );
      process.exit(1);
    }
    if (name === '-var-file') flags.varFiles.push(value);
    else if (name === '-backend-config') flags.backendConfig.push(value);
    else flags[name.slice(1)] = value;
  }
  flags.lockTimeoutMs = parseGoDuration(flags['lock-timeout'] ?? '0s');
  if (flags.lockTimeoutMs === undefined) {
    process.stderr.write(
      `invalid value "${flags['lock-timeout']}" for flag -lock-timeout: parse error\n`,
    );
    process.exit(1);
  }
  return flags;
}

const UNIT_MS = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's time.ParseDuration (`600s`, `1m30s`, `250ms`, `0`) in ms; undefined when invalid. */
function parseGoDuration(text) {
  if (text === '0') return 0;
  const part = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;
  let total = 0;
  while (text && part.lastIndex < text.length) {
    const m = part.exec(text);
    if (!m) return undefined;
    total += Number(m[1]) * UNIT_MS[m[2]];
  }
  return text ? total : undefined;
}

function fail(diagnostic) {
  plainDiagnostic(diagnostic);
  process.exit(1);
}

function version(flags) {
  if (flags.json === 'true') {
    const doc = {
      terraform_version: TF_VERSION,
      platform: 'linux_amd64',
      provider_selections: {},
      terraform_outdated: false,
    };
    process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
  } else {
    process.stdout.write(`Terraform v${TF_VERSION}\non linux_amd64\n`);
  }
}

function init(flags) {
  for (const file of flags.backendConfig.filter((c) => !c.includes('='))) {
    if (!fs.existsSync(file)) {
      fail(plainError('Failed to read file', `The file "${file}" could not be read.`));
    }
  }
  const keyConfig = flags.backendConfig.findLast((c) => c.startsWith('key='));
  const previous = readBackend();
  const key = keyConfig
    ? keyConfig.slice('key='.length)
    : (previous?.config.key ?? 'terraform.tfstate');
  const echo = process.env.PRENV_FAKE_TF_ECHO_ENV;
  if (echo) process.stderr.write(`provider debug: ${echo}=${process.env[echo] ?? ''}\n`);
  const kind = injectedFailure('init');
  if (kind) fail(earlyDiagnostic(kind, { key, command: 'init' }));
  if (
    previous &&
    previous.config.key !== key &&
    flags.reconfigure !== 'true' &&
    flags['migrate-state'] !== 'true'
  ) {
    fail(
      plainError(
        'Backend configuration changed',
        'A change in the backend configuration has been detected, which may require migrating existing state.\n\n' +
          'If you wish to attempt automatic migration of the state, use "terraform init -migrate-state".\n' +
          'If you wish to store the current configuration with no changes to the state, use "terraform init -reconfigure".',
      ),
    );
  }
  writeBackend(key);
  const lines = [
    '',
    'Initializing the backend...',
    '',
    'Successfully configured the backend "s3"! Terraform will automatically',
    'use this backend unless the backend configuration changes.',
    'Initializing provider plugins...',
    '- Reusing previous version of hetznercloud/hcloud from the dependency lock file',
    '- Using previously-installed hetznercloud/hcloud v1.52.0',
    '',
    'Terraform has been successfully initialized!',
  ];
  if (!process.env.TF_IN_AUTOMATION) lines.push('', 'You may now begin working with Terraform.');
  process.stdout.write(`${lines.join('\n')}\n`);
}

function output(flags, key) {
  const { outputs } = readState(key);
  const name = flags.positional[0];
  if (name) {
    if (!(name in outputs))
      fail(
        plainError(
          'Output value not found',
          `The output variable requested could not be found in the state file.`,
        ),
      );
    const v = outputs[name].value;
    process.stdout.write(flags.raw === 'true' ? String(v) : `${JSON.stringify(v)}\n`);
    return;
  }
  const shaped = Object.fromEntries(
    Object.entries(outputs).map(([k, o]) => [
      k,
      { sensitive: o.sensitive ?? false, type: o.type, value: o.value },
    ]),
  );
  process.stdout.write(`${JSON.stringify(shaped, null, 2)}\n`);
}

export async function main(argv) {
  let args = [...argv];
  while (args[0]?.startsWith('-chdir=')) {
    process.chdir(path.resolve(args[0].slice('-chdir='.length)));
    args = args.slice(1);
  }
  const [command, ...rest] = args;
  if (!command || !(command in FLAGS)) {
    process.stderr.write(`Terraform has no command named "${command ?? ''}".\n`);
    process.exit(1);
  }
  const flags = parseFlags(command, rest);
  if (command === 'version') return version(flags);
  if (command === 'init') {
    if (!process.env.PRENV_FAKE_TF_STATE_DIR) {
      process.stderr.write(
        'fake terraform: set PRENV_FAKE_TF_STATE_DIR to a directory for state files\n',
      );
      process.exit(1);
    }
    return init(flags);
  }

  if (!process.env.PRENV_FAKE_TF_STATE_DIR) {
    process.stderr.write(
      'fake terraform: set PRENV_FAKE_TF_STATE_DIR to a directory for state files\n',
    );
    process.exit(1);
  }
  const backend = readBackend();
  if (!backend) {
    fail(
      plainError(
        'Backend initialization required, please run "terraform init"',
        'Reason: Initial configuration of the requested backend "s3"',
      ),
    );
  }
  if (command === 'output') return output(flags, backend.config.key);
  const code = await runOperation(command, flags, backend.config.key);
  process.exit(code);
}
