/**
 * Evaluates the few consul-template forms prenv renders, from the rendered text itself, so a
 * test follows the real template rather than a copy of the generator's logic:
 * `{{ key "p" }}`, `{{ $v := "" }}`, `{{ $v := key "p" }}`, `{{ with service "n" }}{{ with
 * index . 0 }}{{ $v = printf "%s:%d" .Address .Port }}{{ end }}{{ end }}`, `{{ print a b … }}`
 * and pipes into `replaceAll "old" "new"` (Go's strings.ReplaceAll, as consul-template's
 * `replaceAll` is). String literals are read as JSON, which covers the Go literals prenv writes.
 * Anything else throws, so an unexpected form fails the test instead of passing unnoticed.
 */
export interface MiniWorld {
  kv: Record<string, string>;
  services: Record<string, string>;
}

type Token = { kind: 'str'; value: string } | { kind: 'word'; value: string };

function tokens(action: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < action.length) {
    const c = action[i]!;
    if (c === ' ') i += 1;
    else if (c === '"') {
      let j = i + 1;
      while (action[j] !== '"') j += action[j] === '\\' ? 2 : 1;
      out.push({ kind: 'str', value: JSON.parse(action.slice(i, j + 1)) as string });
      i = j + 1;
    } else {
      let j = i;
      while (j < action.length && action[j] !== ' ') j += 1;
      out.push({ kind: 'word', value: action.slice(i, j) });
      i = j;
    }
  }
  return out;
}

/** Splits template text into literal text and `{{ … }}` actions, honouring string literals. */
function split(text: string): ({ text: string } | { action: Token[] })[] {
  const parts: ({ text: string } | { action: Token[] })[] = [];
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('{{', i);
    if (open === -1) {
      parts.push({ text: text.slice(i) });
      break;
    }
    if (open > i) parts.push({ text: text.slice(i, open) });
    let j = open + 2;
    let inString = false;
    while (inString || text.slice(j, j + 2) !== '}}') {
      if (j >= text.length) throw new Error('unterminated action');
      if (inString && text[j] === '\\') j += 1;
      else if (text[j] === '"') inString = !inString;
      j += 1;
    }
    parts.push({ action: tokens(text.slice(open + 2, j).trim()) });
    i = j + 2;
  }
  return parts;
}

export function evaluate(text: string, world: MiniWorld): string {
  const vars = new Map<string, string>();
  let out = '';
  const skip: boolean[] = [];
  let currentService: string | null = null;
  const value = (t: Token | undefined): string => {
    if (!t) throw new Error('missing operand');
    if (t.kind === 'str') return t.value;
    if (t.value.startsWith('$') && vars.has(t.value)) return vars.get(t.value)!;
    throw new Error(`unsupported operand ${t.value}`);
  };
  const pipeline = (toks: Token[]): string => {
    const stages: Token[][] = [[]];
    for (const t of toks) {
      if (t.kind === 'word' && t.value === '|') stages.push([]);
      else stages.at(-1)!.push(t);
    }
    const [first, ...rest] = stages as [Token[], ...Token[][]];
    let v: string;
    const head = first[0];
    if (head?.kind === 'word' && head.value === 'key') {
      const path = value(first[1]);
      if (!(path in world.kv)) throw new Error(`no KV ${path}`);
      v = world.kv[path]!;
    } else if (head?.kind === 'word' && head.value === 'print') {
      v = first.slice(1).map(value).join('');
    } else if (first.length === 1) {
      v = value(head);
    } else throw new Error(`unsupported command ${JSON.stringify(first)}`);
    for (const stage of rest) {
      if (stage[0]?.value !== 'replaceAll' || stage.length !== 3)
        throw new Error(`unsupported stage ${JSON.stringify(stage)}`);
      v = v.split(value(stage[1])).join(value(stage[2]));
    }
    return v;
  };
  for (const part of split(text)) {
    const skipping = skip.includes(true);
    if ('text' in part) {
      if (!skipping) out += part.text;
      continue;
    }
    const [a, b, c] = part.action;
    if (a?.value === 'end') {
      skip.pop();
    } else if (a?.value === 'with' && b?.value === 'service') {
      currentService = value(c);
      skip.push(skipping || !(currentService in world.services));
    } else if (a?.value === 'with' && b?.value === 'index') {
      skip.push(skipping);
    } else if (skipping) {
      continue;
    } else if (a?.value.startsWith('$') && (b?.value === ':=' || b?.value === '=')) {
      const rest = part.action.slice(2);
      if (rest[0]?.value === 'printf') {
        vars.set(a.value, world.services[currentService ?? '']!);
      } else vars.set(a.value, pipeline(rest));
    } else {
      out += pipeline(part.action);
    }
  }
  return out;
}
