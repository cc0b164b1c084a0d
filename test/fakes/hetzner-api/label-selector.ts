/**
 * Hetzner's label selector, the forms prenv and tests use: `k==v`, `k=v`, `k!=v`, `k` (has the
 * label) and `!k` (lacks it), joined by commas (all must hold). `in (…)` / `notin (…)` are not
 * supported here and answer invalid_input, so a test notices.
 */
export type LabelTest = (labels: Record<string, string>) => boolean;

const KEY = /^[a-z0-9A-Z]([a-z0-9A-Z._/-]*[a-z0-9A-Z])?$/;

export function parseLabelSelector(text: string): LabelTest | { error: string } {
  const tests: LabelTest[] = [];
  for (const raw of text.split(',')) {
    const part = raw.trim();
    let match: RegExpExecArray | null;
    if ((match = /^([^=!\s]+)\s*(==|=|!=)\s*([^=!\s]*)$/.exec(part))) {
      const [, key, op, value] = match as unknown as [string, string, string, string];
      if (!KEY.test(key)) return { error: `invalid label key "${key}"` };
      tests.push(op === '!=' ? (l) => l[key] !== value : (l) => l[key] === value);
    } else if ((match = /^!([^=!\s]+)$/.exec(part))) {
      const key = match[1]!;
      tests.push((l) => !(key in l));
    } else if (KEY.test(part)) {
      tests.push((l) => part in l);
    } else {
      return { error: `unsupported label selector expression "${part}"` };
    }
  }
  return (labels) => tests.every((t) => t(labels));
}
