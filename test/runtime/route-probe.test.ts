import { describe, expect, it } from 'vitest';
import type { EntryRequest } from '../../bot/adapters/caddy/probe.js';
import { routeProbe } from '../../bot/runtime/route-probe.js';
import { previewBypassToken } from '../../bot/runtime/preview-bypass.js';
import { createPreviewGate } from '../../bot/server/dashboard/preview-gate.js';
import { exampleConfig } from '../generators/render-support.js';

const config = exampleConfig('aipacto');

describe('where the last check of a deploy goes', () => {
  it.each([
    ['dns', 'https://pr-7.pr.aipacto.com'],
    ['https://10.0.1.10:443', 'https://10.0.1.10:443'],
    ['http://127.0.0.1:80', 'http://127.0.0.1:80'],
  ])('PRENV_CADDY_HTTP=%s requests through %s with the env host', async (entry, through) => {
    const seen: EntryRequest[] = [];
    const probe = routeProbe({
      config,
      entry,
      request: async (req) => {
        seen.push(req);
        return { status: 200 };
      },
    });
    expect(await probe({ kind: 'pr', number: 7 })).toEqual({
      ok: true,
      text: `GET ${through.split(':')[0]}://pr-7.pr.aipacto.com/ (web) through ${through} answered 200`,
    });
    expect(seen).toEqual([{ entry: through, host: 'pr-7.pr.aipacto.com', path: '/' }]);
  });

  it('stops at the first target that fails and says what answered', async () => {
    const probe = routeProbe({
      config,
      entry: 'dns',
      request: async () => ({ status: 0, error: 'ECONNREFUSED' }),
    });
    expect(await probe({ kind: 'production' })).toEqual({
      ok: false,
      text: 'GET https://aipacto.com/ (web) through https://aipacto.com: no answer (ECONNREFUSED)',
    });
  });
});

describe('the last check of a protected preview', () => {
  it("sends the env's own headers with every request, and none for other envs", async () => {
    const seen: EntryRequest[] = [];
    const probe = routeProbe({
      config,
      entry: 'dns',
      headersFor: (ctx): Record<string, string> =>
        ctx.kind === 'pr' ? { 'X-Prenv-Bypass': `token-${ctx.number}` } : {},
      request: async (req) => {
        seen.push(req);
        return { status: 200 };
      },
    });
    await probe({ kind: 'pr', number: 7 });
    await probe({ kind: 'production' });
    expect(seen.map((r) => r.headers)).toEqual([{ 'X-Prenv-Bypass': 'token-7' }, undefined]);
  });

  it("uses the token the preview gate accepts for that PR, and no other PR's", () => {
    const gate = createPreviewGate({
      config,
      secret: 'webhook-secret-1234',
      publicUrl: null,
      session: () => null,
    });
    expect(previewBypassToken('webhook-secret-1234', config.project, 7)).toBe(gate.bypassToken(7));
    expect(previewBypassToken('webhook-secret-1234', config.project, 8)).not.toBe(
      gate.bypassToken(7),
    );
  });
});
