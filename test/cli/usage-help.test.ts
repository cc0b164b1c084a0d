import type { Command, Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { listCommands, program, type Listed } from './program-tree.js';
import { runCli } from './run-cli.js';

// Every usage error commander finds (unknown option, missing argument, missing option value,
// invalid choice, too many arguments, unknown subcommand) exits 2 and points at the help of the
// command that was run, not at `prenv --help`. The commands are the program's own, so a new one
// is covered as soon as it is added.

const all = listCommands(program);
const leaves = all.filter((c) => c.command.commands.length === 0);
const groups = all.filter((c) => c.command.commands.length > 0);

/** Values for the command's mandatory options, so the error under test is the one reached. */
function mandatory(command: Command): string[] {
  return command.options
    .filter((o: Option) => o.mandatory)
    .flatMap((o) => [o.long ?? '', ...(o.required || o.optional ? ['x'] : [])]);
}

/** Each argument's value: required and optional ones alike (`7`, which every `<env>` takes). */
function allArguments(command: Command): string[] {
  return command.registeredArguments.map(() => '7');
}

interface Case {
  what: string;
  argv: string[];
  error: RegExp;
}

function casesOf({ words, command }: Listed): Case[] {
  const cases: Case[] = [
    {
      what: 'an unknown option',
      argv: [...words, ...mandatory(command), '--no-such-option'],
      error: /error: unknown option '--no-such-option'/,
    },
  ];
  if (!command.registeredArguments.some((a) => a.variadic))
    cases.push({
      what: 'too many arguments',
      argv: [...words, ...mandatory(command), ...allArguments(command), 'extra'],
      error: /error: too many arguments/,
    });
  if (command.registeredArguments.some((a) => a.required))
    cases.push({
      what: 'a missing argument',
      argv: [...words, ...mandatory(command)],
      error: /error: missing required argument/,
    });
  for (const option of command.options.filter((o) => o.required && o.long)) {
    cases.push({
      what: `${option.long} without its value`,
      argv: [...words, ...mandatory(command), option.long ?? ''],
      error: new RegExp(`error: option '${option.flags}' argument missing`),
    });
    if (option.argChoices)
      cases.push({
        what: `${option.long} with a value outside its choices`,
        argv: [...words, ...mandatory(command), option.long ?? '', 'no-such-choice'],
        error: /error: option .* argument 'no-such-choice' is invalid\. Allowed choices are /,
      });
  }
  if (command.options.some((o) => o.mandatory))
    cases.push({
      what: 'a missing mandatory option',
      argv: [...words, ...allArguments(command)],
      error: /error: required option .* not specified/,
    });
  return cases;
}

describe('usage errors point at the help of the command run', () => {
  it('knows every command of the program', () => {
    expect(leaves.length).toBeGreaterThanOrEqual(15);
    expect(all.map((c) => c.words.join(' '))).toContain('app create');
  });

  it.each(
    leaves.flatMap((listed) =>
      casesOf(listed).map((c) => ({ ...c, line: c.argv.join(' '), listed })),
    ),
  )('prenv $line: $what', async ({ argv, error, listed }) => {
    const run = await runCli(argv);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(error);
    expect(run.stderr.trimEnd().split('\n').at(-1)).toBe(
      `(run \`prenv ${listed.words.join(' ')} --help\` for usage)`,
    );
  });

  it.each(groups.map((g) => g.words))('prenv %s with an unknown subcommand', async (...words) => {
    const run = await runCli([...words, 'no-such-command']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/error: unknown command 'no-such-command'/);
    expect(run.stderr).toContain(`(run \`prenv ${words.join(' ')} --help\` for usage)`);
  });

  it('prenv with an unknown command or option points at prenv --help', async () => {
    for (const argv of [['no-such-command'], ['--no-such-option']]) {
      const run = await runCli(argv);
      expect(run.code).toBe(2);
      expect(run.stderr.trimEnd().split('\n').at(-1)).toBe('(run `prenv --help` for usage)');
    }
  });

  it('keeps --json output for a script on a usage error', async () => {
    const run = await runCli(['list', '--json', '--no-such-option']);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toEqual({
      ok: false,
      exitCode: 2,
      error: "unknown option '--no-such-option'",
    });
    expect(run.stderr).toContain('(run `prenv list --help` for usage)');
  });
});
