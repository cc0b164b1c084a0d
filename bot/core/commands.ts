import { editDistance } from './nearest.js';

export const COMMAND_NAMES = ['deploy', 'redeploy', 'destroy', 'status', 'help'] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

export type ParsedCommand =
  | { kind: 'command'; name: CommandName; line: number }
  /** A near-miss such as `/deplyo`: answered with the command the user probably meant. */
  | { kind: 'unknown'; word: string; suggestion: CommandName; line: number };

const MAX_SUGGESTION_DISTANCE = 2;
const MIN_SUGGESTION_LENGTH = 3;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const QUOTE = /^ {0,3}>/;
const TRAILING_PUNCTUATION = /[.,;:!?]+$/;

/**
 * Finds the command in a comment body. One command per comment: the first line that starts
 * (after whitespace) with `/<word>`, where the word is a command or a near-miss of one, wins;
 * later lines are ignored. Lines inside fenced code blocks and quoted lines (`> …`) are skipped,
 * so are lines that start with inline code. `/words` far from every command (`/lgtm`, `/cc`,
 * paths) are not ours and are skipped. Case does not matter; text after the command is ignored.
 */
export function parseCommand(body: string): ParsedCommand | null {
  const lines = body.split(/\r\n|\r|\n/);
  let fence: string | null = null;
  for (const [index, line] of lines.entries()) {
    const fenceMatch = FENCE.exec(line);
    if (fence !== null) {
      if (fenceMatch && isClosingFence(fenceMatch[1]!, fence, line)) fence = null;
      continue;
    }
    if (fenceMatch) {
      fence = fenceMatch[1]!;
      continue;
    }
    if (QUOTE.test(line)) continue;
    const parsed = parseLine(line.trim(), index + 1);
    if (parsed) return parsed;
  }
  return null;
}

function isClosingFence(marker: string, opening: string, line: string): boolean {
  return (
    marker[0] === opening[0] &&
    marker.length >= opening.length &&
    line.trim().length === marker.length
  );
}

function parseLine(text: string, line: number): ParsedCommand | null {
  if (!text.startsWith('/')) return null;
  const token = (text.slice(1).split(/\s/, 1)[0] ?? '').replace(TRAILING_PUNCTUATION, '');
  const word = token.toLowerCase();
  if (!/^[a-z]+$/.test(word)) return null;
  const exact = COMMAND_NAMES.find((name) => name === word);
  if (exact) return { kind: 'command', name: exact, line };
  const suggestion = suggest(word);
  return suggestion ? { kind: 'unknown', word: token, suggestion, line } : null;
}

/** The command nearest to `word` within two edits (first in COMMAND_NAMES order on a tie). */
export function suggest(word: string): CommandName | null {
  if (word.length < MIN_SUGGESTION_LENGTH) return null;
  let best: CommandName | null = null;
  let bestDistance = MAX_SUGGESTION_DISTANCE + 1;
  for (const name of COMMAND_NAMES) {
    const d = editDistance(word.toLowerCase(), name);
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  return best;
}
