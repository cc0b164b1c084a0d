import { parse } from '@cdktf/hcl2json';
import { describe, expect, it } from 'vitest';
import { caddyValidate } from '../../bot/adapters/caddy/cli.js';
import { caddyBaseConfig } from '../../generators/caddy/route-json.js';
import type { Config } from '../../bot/config/config.js';
import type { EnvContext } from '../../generators/env-context.js';
import { renderEnvironment, type RenderedFile } from '../../generators/render-environment.js';
import { requireTool } from '../support/tools.js';
import {
  INJECTION_CORPUS,
  decodeHclTemplateLiteral,
  hasLiveInterpolation,
} from './injection-corpus.js';
import { configFromYaml, repoTemplates } from './render-support.js';

const base = configFromYaml(`project: demo
github: { owner: acme, repo: demo }
domain: demo.example.com
services:
  api:
    image: "acme/api:{{sha}}"
    port: 8080
    health: /health
    route: { path: /api }
    secrets: [TOKEN]
  web:
    image: "acme/web:{{sha}}"
    port: 3000
    route: { path: / }
  worker:
    image: "acme/api:{{sha}}"
    command: worker
jobs:
  cleanup:
    cron: "0 3 * * *"
    image: alpine:3.20
    command: /bin/sh
    environments: [pr]
`);

/** The config and context with `value` in every user-controlled string. */
function inject(value: string): { config: Config; ctx: EnvContext } {
  const config = structuredClone(base);
  config.services.web!.env = { GREETING: value, API_URL: `${value}{{service.api}}` };
  config.services.worker!.args = [value];
  config.jobs.cleanup!.args = ['-c', value];
  const ctx: EnvContext = { kind: 'pr', number: 7, sha: 'abc1234', branch: value, title: value };
  return { config, ctx };
}

type Json = Record<string, unknown>;
/** Block structure without values: keys, block labels and list lengths. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v)]));
  }
  return typeof value;
}

async function parsedJobs(files: RenderedFile[]): Promise<Record<string, Json>> {
  const out: Record<string, Json> = {};
  for (const f of files.filter((f) => f.kind === 'nomad-job')) {
    out[f.path] = (await parse(f.path, f.content)) as Json;
  }
  return out;
}

/** `.job[name][0]` of an hcl2json result, then a path of block names (each the first instance). */
function dig(json: Json, ...path: string[]): Json {
  let node: unknown = json;
  for (const key of path) {
    const next = (node as Json)[key];
    node = Array.isArray(next) ? next[0] : next;
  }
  return node as Json;
}

const literal = (text: unknown): string => {
  expect(typeof text).toBe('string');
  expect(hasLiveInterpolation(text as string)).toBe(false);
  return decodeHclTemplateLiteral(text as string);
};

describe('user values cannot change the structure of rendered files', async () => {
  const templates = await repoTemplates();
  const plain = inject('plain');
  const plainFiles = renderEnvironment(plain.config, plain.ctx, templates);
  const plainJobs = await parsedJobs(plainFiles);
  const caddy = requireTool('caddy');

  it.each(INJECTION_CORPUS.map((v) => [v]))('%j', async (value) => {
    const { config, ctx } = inject(value);
    const files = renderEnvironment(config, ctx, templates);
    expect(files.map((f) => f.path)).toEqual(plainFiles.map((f) => f.path));

    const jobs = await parsedJobs(files);
    expect(shape(jobs)).toEqual(shape(plainJobs));

    const job = dig(jobs['demo-pr-7.nomad.hcl']!, 'job', 'demo-pr-7');
    const meta = dig(job, 'group', 'web', 'meta');
    expect(literal(meta.prenv_branch)).toBe(value);
    expect(literal(meta.prenv_title)).toBe(value);
    const web = dig(job, 'group', 'web', 'task', 'web');
    expect(literal(dig(web, 'env').GREETING)).toBe(value);
    expect(
      (dig(job, 'group', 'worker', 'task', 'worker', 'config').args as string[]).map(literal),
    ).toEqual([value]);

    const data = literal(dig(web, 'template').data);
    const plainData = literal(
      dig(
        dig(plainJobs['demo-pr-7.nomad.hcl']!, 'job', 'demo-pr-7'),
        'group',
        'web',
        'task',
        'web',
        'template',
      ).data,
    );
    expect(data.split('\n').length).toBe(plainData.split('\n').length);
    const apiLine = data.split('\n').find((l) => l.startsWith('API_URL='));
    const goLiteral = /^API_URL='\{\{ print ("(?:[^"\\]|\\.)*") \$service_api \| replaceAll /.exec(
      apiLine ?? '',
    );
    expect(goLiteral?.[1] && JSON.parse(goLiteral[1])).toBe(value);

    const cleanup = dig(jobs['demo-pr-7-cleanup.nomad.hcl']!, 'job', 'demo-pr-7-cleanup');
    expect(literal(dig(cleanup, 'meta').prenv_title)).toBe(value);
    expect(
      (dig(cleanup, 'group', 'cleanup', 'task', 'cleanup', 'config').args as string[]).map(literal),
    ).toEqual(['-c', value]);

    const content = (name: string, list: RenderedFile[]) =>
      list.find((f) => f.path === name)!.content;
    expect(content('caddy-route.json', files)).toBe(content('caddy-route.json', plainFiles));
    expect(content('Caddyfile', files)).toBe(content('Caddyfile', plainFiles));
    const route = JSON.parse(content('caddy-route.json', files)) as Json;
    const validJson = await caddyValidate(caddyBaseConfig(config, [route]), {
      caddyPath: caddy,
      format: 'json',
    });
    expect(validJson).toMatchObject({ ok: true });
    const validFile = await caddyValidate(content('Caddyfile', files), {
      caddyPath: caddy,
      format: 'caddyfile',
    });
    expect(validFile).toMatchObject({ ok: true });
  });
});
