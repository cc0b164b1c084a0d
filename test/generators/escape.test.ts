import { parse } from '@cdktf/hcl2json';
import { describe, expect, it } from 'vitest';
import { caddyAdapt } from '../../bot/adapters/caddy/cli.js';
import { caddyToken, hclHeredocLine, hclString, json } from '../../generators/escape.js';
import { requireTool } from '../support/tools.js';
import {
  INJECTION_CORPUS,
  decodeHclTemplateLiteral,
  hasLiveInterpolation,
} from './injection-corpus.js';

async function parsedMeta(value: string): Promise<unknown> {
  const hcl = `job "x" {\n  meta {\n    k = ${hclString(value)}\n  }\n}\n`;
  const json = (await parse('x.hcl', hcl)) as { job: { x: { meta: { k: unknown }[] }[] } };
  return json.job.x[0]?.meta[0]?.k;
}

describe('hclString', () => {
  it.each(INJECTION_CORPUS.map((v) => [v]))('reads back exactly %j', async (value) => {
    const parsed = await parsedMeta(value);
    expect(typeof parsed).toBe('string');
    expect(hasLiveInterpolation(parsed as string)).toBe(false);
    expect(decodeHclTemplateLiteral(parsed as string)).toBe(value);
  });

  it('writes one line, quoted', () => {
    for (const value of INJECTION_CORPUS) {
      const out = hclString(value);
      expect(out).not.toMatch(/[\n\r\u2028\u2029]/);
      expect(out.startsWith('"') && out.endsWith('"')).toBe(true);
    }
  });
});

describe('hclHeredocLine', () => {
  it('escapes interpolation and refuses line breaks', () => {
    expect(hclHeredocLine('a ${b} %{c}')).toBe('a $${b} %%{c}');
    expect(() => hclHeredocLine('a\nb')).toThrow(/line break/);
    expect(() => hclHeredocLine('a\u2028b')).toThrow(/line break/);
  });
});

describe('json', () => {
  it('keeps U+2028 and U+2029 escaped so a value stays on one line', () => {
    expect(json('a\u2028b\u2029')).toBe('"a\\u2028b\\u2029"');
    expect(JSON.parse(json('a\u2028b'))).toBe('a\u2028b');
  });
});

describe('caddyToken', () => {
  const caddy = requireTool('caddy');

  it('keeps plain tokens bare', () => {
    expect(caddyToken('pr-7.pr.aipacto.com')).toBe('pr-7.pr.aipacto.com');
    expect(caddyToken('/api/*')).toBe('/api/*');
    expect(caddyToken('http://127.0.0.1:8080/tls/ask')).toBe('http://127.0.0.1:8080/tls/ask');
  });

  it('refuses what would change the Caddyfile structure', () => {
    for (const bad of ['', 'a\nb', 'a {', '{$HOME}', '{http.request.host}', 'x\u0000', '`a\\b`']) {
      expect(() => caddyToken(bad), JSON.stringify(bad)).toThrow(/Caddyfile token/);
    }
  });

  it.each(
    INJECTION_CORPUS.filter((v) => !/[{}\n\r\t\u2028\u2029]/.test(v) && !v.includes('\u0000')).map(
      (v) => [v],
    ),
  )('is read back by the real Caddy as %j', async (value) => {
    const caddyfile = `:8080 {\n\trespond ${caddyToken(value)} 200\n}\n`;
    const adapted = await caddyAdapt(caddyfile, { caddyPath: caddy });
    if (!adapted.ok) throw new Error(adapted.message);
    const text = JSON.stringify(adapted.config);
    const body = /"body":("(?:[^"\\]|\\.)*")/.exec(text)?.[1];
    expect(body && JSON.parse(body)).toBe(value);
  });
});
