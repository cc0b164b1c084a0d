import type { Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { listCommands, program, type Listed } from './program-tree.js';
import { isWholeNumberOption } from '../../bot/cli/whole-number-option.js';
import { runCli } from './run-cli.js';

// Every numeric option of every command reads its value with the grammar of PRENV_* settings:
// decimal digits within bounds, nothing `Number()` would also take. The options come from the
// program itself, so a new numeric option is covered as soon as it is added.

interface ListedOption extends Listed {
  option: Option;
}

const options: ListedOption[] = listCommands(program).flatMap((l) =>
  l.command.options.map((option) => ({ ...l, option })),
);

const valued = options.filter(({ option }) => option.required || option.optional);
const numeric = valued.filter(({ option }) => isWholeNumberOption(option.parseArg));
const name = ({ words, option }: ListedOption): string => `${words.join(' ')} ${option.long ?? ''}`;

/** What a number's value placeholder is called in the flags (`--port <n>`). */
const NUMBER_PLACEHOLDER = /<(n|count|minutes|seconds|ms|port|number)>/;

/** Values some reader (`Number`, `parseInt`, `parseFloat`) takes and the grammar refuses. */
const NOT_DECIMAL = ['1e3', '0x10', ' 5', '5 ', '5.0', '+5', '-1', '1_000', 'Infinity', 'NaN', ''];

describe('numeric CLI options', () => {
  it('finds the numeric options (--port, --timeout)', () => {
    expect(numeric.map(name).sort()).toEqual(
      expect.arrayContaining(['app create --port', 'app create --timeout', 'serve --port']),
    );
  });

  it.each(valued.map((l) => [name(l), l] as const))(
    '%s is a whole-number option if its value is a number',
    (_, { option }) => {
      const looksNumeric =
        NUMBER_PLACEHOLDER.test(option.flags) ||
        (typeof option.defaultValue === 'string' && /^\d+$/.test(option.defaultValue)) ||
        typeof option.defaultValue === 'number';
      if (looksNumeric) expect(isWholeNumberOption(option.parseArg)).toBe(true);
    },
  );

  const refusals = numeric.flatMap((l) => NOT_DECIMAL.map((value) => [name(l), value, l] as const));
  it.each(refusals)('%s refuses %j with exit 2, naming the option', async (_, value, l) => {
    const long = l.option.long ?? '';
    const run = await runCli([...l.words, long, value]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `error: option '${l.option.flags}' argument '${value}' is invalid. ${long} must be`,
    );
    expect(run.stderr).toContain(`in decimal digits only`);
    expect(run.stderr).toContain(`got ${JSON.stringify(value)}`);
    expect(run.stderr).toContain(`(run \`prenv ${l.words.join(' ')} --help\` for usage)`);
  });

  it.each(numeric.map((l) => [name(l), l] as const))(
    '%s refuses a value out of its bounds, and gives the action numbers',
    async (_, l) => {
      const long = l.option.long ?? '';
      // The default is a number, and its digits read back as the same number.
      const fallback = l.option.defaultValue as unknown;
      expect(typeof fallback).toBe('number');
      expect(l.option.parseArg?.(String(fallback), undefined)).toBe(fallback);
      const run = await runCli([...l.words, long, '99999999999999']);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(new RegExp(`${long} must be (from \\d+ to|at most) \\d+`));
    },
  );

  it('a port of 70000 and a timeout of 0 minutes are refused by their bounds', async () => {
    expect((await runCli(['serve', '--port', '70000'])).stderr).toContain(
      '--port must be at most 65535, got "70000"',
    );
    expect((await runCli(['app', 'create', '--timeout', '0'])).stderr).toContain(
      '--timeout must be from 1 to 35791',
    );
  });
});
