/**
 * A pull request number written as text (a CLI argument, a Hetzner label, Nomad job meta, a
 * host name): a positive integer in plain decimal, without sign, leading zero or separators,
 * at most nine digits (GitHub numbers issues and PRs from 1 per repository). Returns null for
 * anything else, so `07`, `+7`, `7.0` or `1e3` never name PR 7 or PR 1000.
 */
export function parsePrNumber(text: string | undefined): number | null {
  if (text === undefined || !/^[1-9]\d{0,8}$/.test(text)) return null;
  return Number(text);
}

/**
 * Why `text` is not a pull request number as `parsePrNumber` reads it, in words a user can act
 * on (`has a leading zero`, `is too large`); null when it is one. The bounds are the same.
 */
export function prNumberProblem(text: string | undefined): string | null {
  if (parsePrNumber(text) !== null) return null;
  if (text === undefined || text === '') return 'none was given';
  const shown = JSON.stringify(text);
  if (/^-\d+$/.test(text)) return `${shown} is negative (numbers start at 1)`;
  if (/^0+$/.test(text)) return `${shown} is not a positive integer (numbers start at 1)`;
  if (/^0\d+$/.test(text)) return `${shown} has a leading zero (write ${String(Number(text))})`;
  if (/^\d+$/.test(text)) return `${shown} is too large (at most 9 digits, 999999999)`;
  return `${shown} is not a positive integer in plain digits`;
}
