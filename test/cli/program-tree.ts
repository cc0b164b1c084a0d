import type { Command } from 'commander';
import { buildProgram } from '../../bot/cli/program.js';

/** The CLI's commander program, for tests that go over every command or option it has. */
export const { program } = buildProgram({
  cwd: process.cwd(),
  env: {},
  stdout: () => undefined,
  stderr: () => undefined,
  isTTY: false,
  now: () => new Date(0),
});

export interface Listed {
  /** The words that run it: `['app', 'create']`. */
  words: string[];
  command: Command;
}

/** Every command under `command`, subcommands and groups included, depth first. */
export function listCommands(command: Command, words: string[] = []): Listed[] {
  return command.commands.flatMap((sub) => {
    const path = [...words, sub.name()];
    return [{ words: path, command: sub }, ...listCommands(sub, path)];
  });
}
