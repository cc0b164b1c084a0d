/**
 * Case-insensitive comparison for names that are ASCII by definition: DNS host names (RFC 4343:
 * case folds A–Z only; anything else must come as punycode) and GitHub logins and repository
 * names. `String.prototype.toLowerCase` folds Unicode too (`K`, U+212A KELVIN SIGN, becomes
 * `k`), which would make a name no one owns equal to ours.
 */
export function asciiLowerCase(text: string): string {
  return text.replace(/[A-Z]+/g, (upper) => upper.toLowerCase());
}

/** Whether `a` and `b` are the same name, ignoring the case of ASCII letters only. */
export function sameAsciiName(a: string, b: string): boolean {
  return asciiLowerCase(a) === asciiLowerCase(b);
}
