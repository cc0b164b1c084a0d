import { parse } from '@cdktf/hcl2json';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderEnvironment } from '../../generators/render-environment.js';
import { evaluate } from './support/consul-template-mini.js';
import { envparse, EnvParseError } from './support/envparse.js';
import { configFromYaml, repoTemplates } from './render-support.js';

/*
 * A secret's value goes Consul KV → consul-template (the rendered `template` data) → Nomad's
 * env-file parser (go-envparse) → the task. The test renders the real job, evaluates its
 * template text and parses the output as Nomad would, for values users really have.
 */

const config = configFromYaml(`project: demo
github: { owner: acme, repo: demo }
domain: demo.example.com
services:
  api:
    image: "acme/api:{{sha}}"
    port: 8080
    secrets: [TOKEN]
    env:
      DATABASE_URL: "postgresql://app:{{secret.DB_PASSWORD}}@{{service.db}}/app?sslmode=require&x=<y>"
  db:
    image: postgres:15
    port: 5432
`);
config.services.api!.secrets.push('DB_PASSWORD');

type Json = Record<string, unknown>;

async function apiTemplates(): Promise<{ env: string; files: Record<string, string> }> {
  const files = renderEnvironment(
    config,
    { kind: 'production', sha: 'abc1234' },
    await repoTemplates(),
  );
  const job = files.find((f) => f.path === 'demo-production.nomad.hcl')!;
  const hcl = (await parse(job.path, job.content)) as Json;
  const task = (((hcl.job as Json)['demo-production'] as Json[])[0]!.group as Json)[
    'api'
  ] as Json[];
  const templates = ((task[0]!.task as Json)['api'] as Json[])[0]!.template as Json[];
  const env = templates.find((t) => t.env === true)!.data as string;
  const out: Record<string, string> = {};
  for (const t of templates.filter((t) => t.env !== true)) {
    out[t.destination as string] = t.data as string;
  }
  return { env: env.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{'), files: out };
}

const world = (token: string, password: string) => ({
  kv: { 'demo/production/TOKEN': token, 'demo/production/DB_PASSWORD': password },
  services: { 'demo-production-db': '10.0.1.11:25432' },
});

/** What the task's environment holds for `token`, or the parser's error. */
function taskEnv(text: string): Map<string, string> {
  const parsed = envparse(Buffer.from(text, 'utf8'));
  return new Map([...parsed].map(([k, v]) => [k, v.toString('utf8')]));
}

const VALUES: [string, string][] = [
  ['query string', 'postgresql://u:p@h/db?sslmode=require&application_name=<app>'],
  ['HTML-ish', '<script>alert("&amp;")</script>'],
  ['single and double quotes', `it's "quoted" and 'single'`],
  ['backslashes', 'C:\\path\\to\\n\\t\\\\'],
  ['dollar and braces', '$HOME ${HOME} $(id) `id` {{ key "x" }} }}{{ %{x}'],
  ['unicode', 'päss wörd – 密码 🔑 \u2028 \u00a0'],
  ['multi-line PEM', '-----BEGIN KEY-----\nMIIB\tAbc==\n-----END KEY-----\n'],
  ['surrounding spaces', '  padded  '],
  ['comment and equals', 'a#b = c # d'],
  ['empty', ''],
  ['only quotes', `'''""'"`],
];

describe('secrets reach the task exactly', async () => {
  const { env, files } = await apiTemplates();

  it('renders no toJSON and no value outside single quotes', () => {
    expect(env).not.toContain('toJSON');
    for (const line of env.split('\n').filter((l) => l !== '')) {
      // An env line, or a consul-template action that prints nothing (a service lookup).
      expect(line).toMatch(/^([A-Z_]+='\{\{ .* \}\}'|\{\{ \$.*\}\})$/);
    }
  });

  it.each(VALUES)('%s', (_name, value) => {
    const out = taskEnv(evaluate(env, world(value, value)));
    expect(out.get('TOKEN')).toBe(value);
    expect(out.get('DB_PASSWORD')).toBe(value);
    expect(out.get('DATABASE_URL')).toBe(
      `postgresql://app:${value}@10.0.1.11:25432/app?sslmode=require&x=<y>`,
    );
    expect(evaluate(files['secrets/TOKEN']!, world(value, value))).toBe(value);
  });

  it('round-trips any text without control characters other than tab and line feed', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 60 });
    const allowed = fc.oneof(text, fc.constantFrom('\n', '\t', "'", '"', '\\', '&', '<', '>', '$'));
    fc.assert(
      fc.property(
        fc.array(allowed, { maxLength: 8 }).map((a) => a.join('')),
        (value) => {
          fc.pre([...value].every((ch) => ch >= ' ' || ch === '\n' || ch === '\t'));
          const out = taskEnv(evaluate(env, world(value, 'p')));
          expect(out.get('TOKEN')).toBe(value);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a value with CR or another control byte stops the task loudly; the file keeps it', () => {
    for (const value of ['line\r\nbreak', 'nul\u0000byte', 'esc\u001b[0m', 'trailing\r']) {
      expect(() => taskEnv(evaluate(env, world(value, 'p')))).toThrow(EnvParseError);
      expect(() => taskEnv(evaluate(env, world(value, 'p')))).toThrow(/invalid value character/);
      expect(evaluate(files['secrets/TOKEN']!, world(value, 'p'))).toBe(value);
    }
  });

  it('a value whose env line reaches 64 KiB stops the task loudly; the file keeps it', () => {
    // Nomad reads the env file with bufio.Scanner, whose lines end at 64 KiB (go-envparse).
    const line = (value: string) => `TOKEN='${value}'`.length;
    const fits = 'x'.repeat(64 * 1024 - line('') - 1);
    expect(taskEnv(evaluate(env, world(fits, 'p'))).get('TOKEN')).toBe(fits);
    const long = `${fits}x`;
    expect(() => taskEnv(evaluate(env, world(long, 'p')))).toThrow(/token too long/);
    expect(evaluate(files['secrets/TOKEN']!, world(long, 'p'))).toBe(long);
  });

  it('writes every secret to its own file, read-only', async () => {
    expect(Object.keys(files).sort()).toEqual(['secrets/DB_PASSWORD', 'secrets/TOKEN']);
    const job = renderEnvironment(
      config,
      { kind: 'production', sha: 'abc1234' },
      await repoTemplates(),
    )[0]!;
    expect(job.content).toContain('perms       = "0444"');
  });

  it('the old toJSON rendering would have failed on &', () => {
    // toJSON writes & as \\u0026, an escape go-envparse refuses.
    expect(() => taskEnv(`URL=${JSON.stringify('a&b').replace('&', '\\u0026')}`)).toThrow(
      /invalid escape sequence: u/,
    );
  });
});
