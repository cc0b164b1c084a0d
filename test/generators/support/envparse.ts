/**
 * A TypeScript port of the parser Nomad reads `env = true` template output with:
 * hashicorp/go-envparse `Parse` (envparse.go), over bytes as Go does. Kept line for line with
 * its rules so a test can say exactly what a task would see:
 * - input is split by bufio.ScanLines (LF, one optional CR before it dropped; lines under 64 KiB);
 * - `KEY=value`, key and value trimmed of ASCII whitespace, optional `export ` prefix;
 * - any byte < 0x20 in the value is an error, quoted or not;
 * - bytes > 0x7f pass through; `'…'` is literal; `"…"` knows only `\" \\ \n \t`;
 * - unquoted `#` starts a comment; quoted pieces and bare text concatenate.
 */
export class EnvParseError extends Error {}

const MAX_LINE = 64 * 1024;

export function envparse(input: Buffer): Map<string, Buffer> {
  const env = new Map<string, Buffer>();
  let start = 0;
  let lineNo = 0;
  while (start < input.length) {
    let end = input.indexOf(0x0a, start);
    const last = end === -1;
    if (last) end = input.length;
    let line = input.subarray(start, end);
    lineNo += 1;
    // bufio.Scanner fails once its 64 KiB buffer is full without a line feed: a line (CR
    // included) of 64 KiB or more.
    if (line.length >= MAX_LINE) throw new EnvParseError(`error reading: token too long`);
    if (!last && line.length > 0 && line[line.length - 1] === 0x0d) line = line.subarray(0, -1);
    const parsed = parseLine(line, lineNo);
    if (parsed && parsed.key.length > 0) env.set(parsed.key, parsed.value);
    start = end + 1;
  }
  return env;
}

function trimSpace(b: Buffer): Buffer {
  const ws = (c: number | undefined) => c === 0x20 || (c !== undefined && c >= 0x09 && c <= 0x0d);
  let s = 0;
  let e = b.length;
  while (s < e && ws(b[s])) s += 1;
  while (e > s && ws(b[e - 1])) e -= 1;
  return b.subarray(s, e);
}

function parseLine(ln: Buffer, lineNo: number): { key: string; value: Buffer } | null {
  const fail = (why: string): never => {
    throw new EnvParseError(`error on line ${lineNo}: ${why}`);
  };
  if (ln.length === 0) return null;
  const eq = ln.indexOf(0x3d);
  if (eq === -1) fail('missing "="');
  let key = trimSpace(ln.subarray(0, eq));
  const value = trimSpace(ln.subarray(eq + 1));
  if (key.subarray(0, 7).toString('latin1') === 'export ') key = key.subarray(7);
  if (key.length === 0) fail('empty key');
  const k0 = key[0]!;
  if (k0 < 0x41 || (k0 > 0x5a && k0 < 0x61 && k0 !== 0x5f) || k0 > 0x7a) {
    fail('key must start with [A-Za-z_]');
  }
  if (value.length === 0) return { key: key.toString('latin1'), value };

  const out: number[] = [];
  let lastSig = 0;
  let mode: 'normal' | 'double' | 'single' | 'escape' = 'normal';
  for (const v of value) {
    if (v < 32) fail(`0x${v.toString(16).padStart(2, '0')} is an invalid value character`);
    if (v > 127) {
      if (mode === 'escape') fail('multibyte characters disallowed in escape sequences');
      out.push(v);
      lastSig = out.length;
      continue;
    }
    const ch = String.fromCharCode(v);
    if (mode === 'normal') {
      if (ch === '"') mode = 'double';
      else if (ch === "'") mode = 'single';
      else if (ch === '#')
        return { key: key.toString('latin1'), value: Buffer.from(out.slice(0, lastSig)) };
      else if (ch === ' ' || ch === '\t') out.push(v);
      else {
        out.push(v);
        lastSig = out.length;
      }
    } else if (mode === 'double') {
      if (ch === '"') mode = 'normal';
      else if (ch === '\\') mode = 'escape';
      else {
        out.push(v);
        lastSig = out.length;
      }
    } else if (mode === 'escape') {
      const escaped = { '"': 0x22, '\\': 0x5c, n: 0x0a, t: 0x09 }[ch];
      if (escaped === undefined) fail(`invalid escape sequence: ${ch}`);
      out.push(escaped as number);
      lastSig = out.length;
      mode = 'double';
    } else {
      if (ch === "'") mode = 'normal';
      else {
        out.push(v);
        lastSig = out.length;
      }
    }
  }
  if (mode === 'double') fail('unmatched "');
  if (mode === 'single') fail("unmatched '");
  if (mode === 'escape') fail('incomplete escape sequence');
  return { key: key.toString('latin1'), value: Buffer.from(out) };
}
