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
