import { InvalidArgumentError } from 'commander';
import { parseWholeNumberSetting, type WholeNumberRule } from '../core/whole-number-setting.js';

const PARSERS = new WeakSet<(value: string) => number>();

/**
 * commander's argument parser for the numeric option `flag` (`--port`): the value as a whole
 * number within the rule's bounds, read with the one grammar of `PRENV_*` settings (decimal
 * digits only, so `1e3`, `0x10`, ` 5`, `5.0` are refused). Throws commander's
 * `InvalidArgumentError`, which the CLI reports as a usage error (exit 2) naming the option.
 */
export function wholeNumberOption(flag: string, rule: WholeNumberRule): (value: string) => number {
  const parse = (value: string): number => {
    const parsed = parseWholeNumberSetting(flag, value, rule);
    if (!parsed.ok) throw new InvalidArgumentError(parsed.error);
    return parsed.value;
  };
  PARSERS.add(parse);
  return parse;
}

/** Whether `parser` (a commander option's `parseArg`) came from `wholeNumberOption`. */
export function isWholeNumberOption(parser: unknown): boolean {
  return typeof parser === 'function' && PARSERS.has(parser as (value: string) => number);
}

/** A TCP port; 0 asks the system for a free one (Node's `server.listen`). */
export const PORT_RULE: WholeNumberRule = {
  what: 'a port number',
  min: 0,
  max: 65_535,
  example: 8080,
};
