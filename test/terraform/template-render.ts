/**
 * Renders the subset of Terraform's template language (templatefile()) that
 * terraform/modules/base/cloud-init uses: `${name}`, `${jsonencode(name)}`,
 * `%{ if name }`, `%{ if name != "" }`, `%{ else }`, `%{ endif }`,
 * `%{ for x in name }`, `%{ endfor }`, with `~` strip markers. Anything else,
 * and any variable the caller did not provide, throws (as templatefile() does).
 */
type Vars = Record<string, unknown>;
type Part =
  | { kind: 'text'; text: string }
  | { kind: 'interp'; expr: string }
  | { kind: 'directive'; body: string; stripLeft: boolean; stripRight: boolean };

export function renderTemplate(source: string, vars: Vars): string {
  const parts: Part[] = [];
  const pattern = /%\{(~?)\s*(.*?)\s*(~?)\}|\$\{(.*?)\}/g;
  let last = 0;
  for (const m of source.matchAll(pattern)) {
    parts.push({ kind: 'text', text: source.slice(last, m.index) });
    if (m[4] !== undefined) parts.push({ kind: 'interp', expr: m[4].trim() });
    else
      parts.push({
        kind: 'directive',
        body: m[2]!,
        stripLeft: m[1] === '~',
        stripRight: m[3] === '~',
      });
    last = m.index + m[0].length;
  }
  parts.push({ kind: 'text', text: source.slice(last) });
  parts.forEach((part, i) => {
    if (part.kind !== 'directive') return;
    const before = parts[i - 1];
    const after = parts[i + 1];
    if (part.stripLeft && before?.kind === 'text') before.text = before.text.replace(/\s+$/, '');
    if (part.stripRight && after?.kind === 'text') after.text = after.text.replace(/^\s+/, '');
  });
  const [out, end] = renderParts(parts, 0, vars, []);
  if (end !== parts.length) throw new Error('unbalanced template directives');
  return out;
}

function lookup(vars: Vars, name: string): unknown {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsupported template expression ${name}`);
  if (!(name in vars)) throw new Error(`template variable ${name} is not provided`);
  return vars[name];
}

function interpolate(expr: string, vars: Vars): string {
  const json = /^jsonencode\((\w+)\)$/.exec(expr);
  if (json) return JSON.stringify(lookup(vars, json[1]!));
  const value = lookup(vars, expr);
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  throw new Error(`cannot interpolate ${expr}: ${JSON.stringify(value)}`);
}

function condition(expr: string, vars: Vars): boolean {
  const cmp = /^(\w+)\s*(==|!=)\s*""$/.exec(expr);
  if (cmp) return (lookup(vars, cmp[1]!) === '') === (cmp[2] === '==');
  const value = lookup(vars, expr);
  if (typeof value !== 'boolean') throw new Error(`condition ${expr} is not a bool`);
  return value;
}

/** Renders parts from index until an end directive in `stops`; returns text and the stop index. */
function renderParts(parts: Part[], start: number, vars: Vars, stops: string[]): [string, number] {
  let out = '';
  let i = start;
  while (i < parts.length) {
    const part = parts[i]!;
    if (part.kind === 'text') out += part.text;
    else if (part.kind === 'interp') out += interpolate(part.expr, vars);
    else if (stops.includes(part.body)) return [out, i];
    else if (part.body.startsWith('if ')) {
      const yes = condition(part.body.slice(3).trim(), vars);
      const [thenText, thenEnd] = renderParts(parts, i + 1, vars, ['else', 'endif']);
      let elseText = '';
      let end = thenEnd;
      if (
        parts[thenEnd]?.kind === 'directive' &&
        (parts[thenEnd] as { body: string }).body === 'else'
      ) {
        [elseText, end] = renderParts(parts, thenEnd + 1, vars, ['endif']);
      }
      out += yes ? thenText : elseText;
      i = end;
    } else if (part.body.startsWith('for ')) {
      const m = /^for (\w+) in (\w+)$/.exec(part.body);
      if (!m) throw new Error(`unsupported directive ${part.body}`);
      const list = lookup(vars, m[2]!);
      if (!Array.isArray(list)) throw new Error(`${m[2]} is not a list`);
      let end = i;
      // An empty list still renders the body once (discarded) to find its end.
      for (const item of list.length > 0 ? list : ['']) {
        const [text, stop] = renderParts(parts, i + 1, { ...vars, [m[1]!]: item }, ['endfor']);
        if (list.length > 0) out += text;
        end = stop;
      }
      i = end;
    } else throw new Error(`unsupported directive ${part.body}`);
    i++;
  }
  if (stops.length > 0) throw new Error(`missing %{ ${stops.join(' / ')} }`);
  return [out, i];
}
