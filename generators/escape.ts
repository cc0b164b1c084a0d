/**
 * Escaping for the languages the generators write. Every value that comes from a user
 * (branch names, PR titles, env values) reaches an output only through one of these.
 */

/** Characters HCL would read as the start of an interpolation or a directive. */
function escapeHclTemplate(text: string): string {
  return text.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}

/** A complete HCL quoted string, quotes included; the HCL parser reads back exactly `value`. */
export function hclString(value: string): string {
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0) || isLineSeparator(code))
      out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `"${escapeHclTemplate(out)}"`;
}

/** C0 controls and DEL, except the characters in `allowed`. */
function hasControlCharacter(text: string, allowed: string): boolean {
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if ((code < 0x20 || code === 0x7f) && !allowed.includes(ch)) return true;
  }
  return false;
}

function isLineSeparator(code: number): boolean {
  return code === 0x2028 || code === 0x2029;
}

/**
 * One line inside an HCL heredoc. Heredocs keep backslashes and quotes as they are, so only
 * interpolation starts need escaping; a line break would end the line, so it is refused.
 */
export function hclHeredocLine(value: string): string {
  if (/[\r\n\u2028\u2029]/.test(value)) {
    throw new Error(`a heredoc line cannot contain a line break: ${JSON.stringify(value)}`);
  }
  if (hasControlCharacter(value, '\t\u007f')) {
    throw new Error(`a heredoc line cannot contain control characters: ${JSON.stringify(value)}`);
  }
  return escapeHclTemplate(value);
}

const CADDY_BARE_TOKEN = /^[A-Za-z0-9._~:/@*+=,!?&%-]+$/;

/**
 * One Caddyfile token. Plain tokens stay bare. Others are quoted with backticks, inside which
 * Caddy reads every character as is; a value with a backtick is double-quoted instead, where
 * only `\"` is an escape (so it must hold no backslash). Line breaks, control characters and
 * `{`/`}` are refused: they would end the line, open a block or become a placeholder.
 */
export function caddyToken(value: string): string {
  const refuse = (why: string): never => {
    throw new Error(`cannot write ${JSON.stringify(value)} as a Caddyfile token: ${why}`);
  };
  if (value === '') refuse('it is empty');
  if (hasControlCharacter(value, '') || /[\u2028\u2029]/.test(value))
    refuse('it has a line break or control character');
  if (/[{}]/.test(value)) refuse('"{" and "}" would open a block or a placeholder');
  if (CADDY_BARE_TOKEN.test(value)) return value;
  if (!value.includes('`')) return `\`${value}\``;
  if (value.includes('\\')) refuse('it has both a backtick and a backslash');
  return `"${value.replace(/"/g, '\\"')}"`;
}

/**
 * A JSON value. For a string it is also a Go string literal (consul-template); U+2028/U+2029
 * are escaped too so the text stays on one line for every reader.
 */
export function json(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) throw new Error('json: value cannot be serialized');
  return text.replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}
