import type { Command } from 'commander';
import type { CliContext } from './context.js';
import type { ExitCodeValue } from './exit-codes.js';
import type { WholeNumberRule } from '../core/whole-number-setting.js';

/** One option of a command, as commander's `.option(flags, description, default)`. */
export interface OptionSpec {
  flags: string;
  description: string;
  default?: string;
  required?: boolean;
  /** The option may be given several times; its value is the list, `[]` when absent. */
  repeatable?: boolean;
  /** The only values the option takes; commander refuses others as a usage error. */
  choices?: readonly string[];
  /**
   * The option takes a whole number within these bounds, read with the grammar of `PRENV_*`
   * settings; the action gets a number (the default too), and anything else is a usage error.
   */
  whole?: WholeNumberRule;
}

/**
 * What `prenv --help` needs to know of a command, as plain data: the command files export
 * these, and the program loads the command's action module only when the command runs.
 */
export interface CommandSpec {
  name: string;
  description: string;
  /** `[name, description]`: `<x>` required, `[x]` optional, as in commander. */
  arguments?: readonly (readonly [string, string])[];
  options?: readonly OptionSpec[];
  /** Subcommands (`prenv app create`); a command has either these or `load`. */
  subcommands?: readonly CommandSpec[];
  load?: () => Promise<CommandModule>;
}

export interface ActionInput<Options = Record<string, unknown>> {
  ctx: CliContext;
  /** The root program, for global options (`--config`). */
  program: Command;
  /** Positional arguments, in the order of `arguments` (absent optional ones are undefined). */
  args: (string | undefined)[];
  opts: Options;
}

/** A command's action module: it runs the command and returns its exit code, or throws. */
export interface CommandModule {
  action(input: ActionInput<never>): Promise<ExitCodeValue>;
}
