import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../bot/adapters/store/sqlite-store.js';
import { parseEnvTarget } from '../../bot/cli/env-target.js';
import { prNumberProblem } from '../../bot/core/pr-number.js';
import { parseTarget } from '../../bot/cli/deploy/target-args.js';
import { repoRoot } from '../support/tools.js';
import { runCli } from './run-cli.js';

const EXAMPLE = path.join(repoRoot, 'examples/aipacto/prenv.yml');
const COMMANDS = ['status', 'plan', 'deploy', 'destroy', 'render'] as const;

/** Every spelling of PR 7 the README documents, as the shell hands them over. */
const PR_7: string[][] = [['pr-7'], ['pr', '7'], ['pr 7'], ['#7'], ['7']];
const REFUSED: string[][] = [
  ['pr-07'],
  ['PR-7'],
  ['pr7'],
  ['#pr-7'],
  ['pr-7', '8'],
  ['#7', '8'],
  ['7', '8'],
  ['pr', 'x'],
  ['pr', '0'],
  ['pr', '7 8'],
  ['pr  '],
  ['qa'],
  [' 7'],
];

describe('the environment argument is one grammar for every command', () => {
  it.each(COMMANDS.flatMap((command) => PR_7.map((args) => [command, args] as const)))(
    '%s %j names PR 7',
    (command, [env, number]) => {
      expect(parseEnvTarget(env!, number, command)).toBe(7);
      if (command !== 'status' && command !== 'plan') {
        expect(parseTarget(command, env!, number)).toEqual({ kind: 'pr', pr: 7 });
      }
    },
  );

  it.each(REFUSED)('refuses %j with the same message from every command', (env, number) => {
    const given = number === undefined ? env : `${env} ${number}`;
    for (const command of COMMANDS) {
      const parse =
        command === 'status' || command === 'plan'
          ? () => parseEnvTarget(env!, number, command)
          : () => parseTarget(command, env!, number);
      // `pr` and a second argument: the number is what is wrong, and the message says why.
      expect(parse).toThrow(
        env === 'pr' && number !== undefined
          ? `\`prenv ${command} pr\` needs the pull request number, e.g. \`prenv ${command} pr 7\`; ${prNumberProblem(number)!}`
          : `unknown environment "${given}": use production, staging or a pull request number as pr-7, pr 7, #7 or 7, e.g. \`prenv ${command} pr-7\``,
      );
    }
  });

  // Through the CLI: each command gets past its arguments and reaches PR 7 (the text it answers
  // names pr-7 or `pr 7`), whichever spelling was typed.
  const dir = mkdtempSync(path.join(tmpdir(), 'prenv-env-arg-'));
  const state = path.join(dir, 'state.db');
  void openSqliteStore(state).close();
  const env = {
    PATH: process.env.PATH,
    PRENV_STATE: state,
    PRENV_TERRAFORM_BIN: path.join(dir, 'no-such-terraform'),
    PRENV_CADDY_ADMIN: 'http://127.0.0.1:9',
    PRENV_NOMAD_ADDR: 'http://127.0.0.1:9',
  };
  const extra: Record<(typeof COMMANDS)[number], string[]> = {
    status: [],
    plan: ['--steps'],
    deploy: [],
    destroy: [],
    render: ['--sha', 'abc1234', '--out', path.join(dir, 'out')],
  };
  it.each(COMMANDS.flatMap((command) => PR_7.map((args) => [command, args] as const)))(
    'prenv %s %j reaches pr-7',
    async (command, args) => {
      const run = await runCli(['--config', EXAMPLE, command, ...args, ...extra[command]], {
        env,
      });
      expect(run.stderr).not.toMatch(/unknown environment|needs the pull request number/);
      expect(run.stdout + run.stderr).toMatch(/pr[- ]7\b/);
    },
  );

  it.each(COMMANDS)(
    'prenv %s "pr 7x" is a usage error (2) naming the spellings',
    async (command) => {
      const run = await runCli(['--config', EXAMPLE, command, 'pr 7x'], { env });
      expect(run).toEqual({
        code: 2,
        stdout: '',
        stderr: `prenv: unknown environment "pr 7x": use production, staging or a pull request number as pr-7, pr 7, #7 or 7, e.g. \`prenv ${command} pr-7\`\n`,
      });
    },
  );
});
