import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WEBHOOK_PATH } from '../../bot/server/http-server.js';
import { readRuntimeSettings } from '../../bot/wiring/settings.js';
import { describe, expect, it } from 'vitest';
import { evaluate } from './support/consul-template-mini.js';
import { envparse } from './support/envparse.js';
import { loadJobspecSchema } from '../../bot/adapters/nomad/jobspec-schema-file.js';
import {
  BOT_FILE_ITEMS,
  BOT_VARIABLE_ITEMS,
  botRoute,
  BOT_PUBLIC_PATHS,
  CADDY_ADMIN_SERVICE,
  renderBotJob,
} from '../../generators/nomad/bot-job.js';
import { parseHcl } from '../../generators/validate/hcl.js';
import { checkJobFile } from '../../generators/validate/job-file.js';
import { readServeSettings } from '../../bot/wiring/settings.js';
import { configFromYaml, exampleConfig, repoTemplates } from './render-support.js';
import { repoRoot } from '../support/tools.js';
import { runCli } from '../cli/run-cli.js';

const config = exampleConfig('aipacto');
const options = { image: 'ghcr.io/aipacto/prenv:0.1.0', host: 'prenv.aipacto.com' };

type Obj = Record<string, unknown>;
/** hcl2json: a labelled block is `{ label: [body] }`, an unlabelled one `[body]`. */
const first = (value: unknown) => (value as Obj[])[0]!;
const labelled = (value: unknown, label: string) => first((value as Obj)[label]);

async function render(
  overrides: Partial<typeof options> & Record<string, unknown> = {},
  withConfig = config,
) {
  const text = renderBotJob(withConfig, { ...options, ...overrides }, await repoTemplates());
  const check = await checkJobFile('prenv-bot.nomad.hcl', text, loadJobspecSchema());
  if (!check.ok) throw new Error(check.message);
  const parsed = await parseHcl('prenv-bot.nomad.hcl', text);
  if (!parsed.ok) throw new Error(parsed.message);
  const job = labelled(parsed.json.job, Object.keys(parsed.json.job as Obj)[0]!);
  const group = labelled(job.group, 'bot');
  const task = labelled(group.task, 'prenv');
  return { text, check, job, group, task };
}

describe("the bot's Nomad job", () => {
  it('parses as HCL and validates against the jobspec schema, without warnings', async () => {
    const { check } = await render();
    expect(check.ok && check.warnings).toEqual([]);
  });

  it('runs one allocation of the image, its state on the host volume', async () => {
    const { group, task } = await render();
    expect(group.count).toBe(1);
    expect((group.volume as Obj).state).toEqual([
      { type: 'host', source: 'prenv-state', read_only: false },
    ]);
    expect(first(task.config)).toMatchObject({ image: options.image, network_mode: 'host' });
    expect(first(task.volume_mount)).toEqual({
      volume: 'state',
      destination: '/var/lib/prenv',
      read_only: false,
    });
    expect(first(task.env).PRENV_STATE).toBe('/var/lib/prenv/state.db');
    expect(first(group.update)).toMatchObject({ max_parallel: 1, canary: 0 });
  });

  it.each([
    ['state: consul', 'consul', 2],
    ['state: { store: consul, replicas: 3 }', '{ store: consul, replicas: 3 }', 3],
  ])(
    'with %s runs the replicas on distinct nodes, without a host volume',
    async (_what, state, count) => {
      const text = readFileSync(path.join(repoRoot, 'examples/aipacto/prenv.yml'), 'utf8');
      const consulConfig = configFromYaml(`${text}state: ${state}\n`);
      const { group, task, check, text: job } = await render({}, consulConfig);
      expect(check.ok && check.warnings).toEqual([]);
      expect(group.count).toBe(count);
      expect(group.constraint).toEqual([{ distinct_hosts: true }]);
      expect(group.volume).toBeUndefined();
      expect(task.volume_mount).toBeUndefined();
      expect(first(task.env).PRENV_STATE).toBeUndefined();
      expect(first(task.env).PRENV_CONSUL_ADDR).toBe('http://127.0.0.1:8500');
      expect(job).not.toMatch(/\n\s*\n\s*\n/);
    },
  );

  it('registers a Consul service checked on /healthz and listens on its static port', async () => {
    const { group, task } = await render({ port: 9090 });
    expect(first(group.service)).toMatchObject({ name: 'prenv-bot', port: 'http' });
    expect(first(first(group.service).check)).toMatchObject({ type: 'http', path: '/healthz' });
    expect(labelled(first(group.network).port, 'http')).toEqual({ static: 9090 });
    expect((first(task.config).args as string[]).slice(-2)).toEqual(['--port', '9090']);
  });

  it('reads every secret from Nomad Variables at render time, never from the file', async () => {
    const { text, task } = await render();
    const templates = task.template as { destination: string; data: string; env?: boolean }[];
    const env = templates.find((t) => t.destination === 'secrets/prenv.env')!;
    expect(env.env).toBe(true);
    for (const { name, item } of BOT_VARIABLE_ITEMS)
      expect(env.data).toContain(`${name}='{{ .${item} | replaceAll`);
    for (const item of BOT_FILE_ITEMS) expect(text).toContain(`{{ .${item} }}`);
    expect(text.match(/nomadVar "nomad\/jobs\/prenv-bot"/g)).toHaveLength(3);
    // The variables the env file sets are the ones `prenv serve` needs.
    const fromVariables = Object.fromEntries(
      BOT_VARIABLE_ITEMS.map((v) => [v.name, v.name.endsWith('_ID') ? '123456' : 'x']),
    );
    const serve = readServeSettings({ ...fromVariables, PRENV_WEBHOOK_SECRET: 'long-enough' });
    expect(serve.ok || serve.errors.filter((e) => !e.includes('PRIVATE_KEY'))).toEqual([]);
  });

  it('follows the job name into the Variables path', async () => {
    const { text } = await render({ name: 'bot-acme' });
    expect(text).toContain('job "bot-acme" {');
    expect(text).toContain('nomadVar "nomad/jobs/bot-acme"');
  });

  it.each([
    ['image', { image: 'evil" \n  driver = "raw_exec' }],
    ['host', { host: 'x"}\njob "other" {' }],
    ['image with an interpolation', { image: 'img:${node.unique.id}' }],
  ])('keeps a hostile %s a value, not structure', async (_what, overrides) => {
    const text = renderBotJob(config, { ...options, ...overrides }, await repoTemplates());
    const parsed = await parseHcl('bot.hcl', text);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(Object.keys(parsed.json.job as Obj)).toEqual(['prenv-bot']);
    const job = labelled(parsed.json.job, 'prenv-bot');
    const task = labelled(labelled(job.group, 'bot').task, 'prenv');
    // hcl2json leaves HCL's `$${` escape as written; Nomad reads it as a literal `${`.
    if ('image' in overrides)
      expect(first(task.config).image).toBe(overrides.image.replaceAll('${', () => '$${'));
    if ('host' in overrides) expect(first(job.meta).prenv_webhook_host).toBe(overrides.host);
    expect(task.driver).toBe('docker');
  });

  it('refuses a job name Nomad would not take', async () => {
    expect(() => renderBotJob(config, { ...options, name: 'Bad Name' }, {})).toThrow(/job name/);
  });
});

describe("the bot's settings in its job", () => {
  it.each([
    ['on_demand', 'dns'],
    ['auto', 'dns'],
    ['load_balancer', 'http://127.0.0.1:80'],
    ['off', 'http://127.0.0.1:80'],
  ] as const)(
    'tls.mode %s: Caddy fleet from Consul, webhook host, probe through %s',
    async (mode, entry) => {
      const text = renderBotJob(
        { ...config, tls: { ...config.tls, mode } },
        options,
        await repoTemplates(),
      );
      const parsed = await parseHcl('prenv-bot.nomad.hcl', text);
      if (!parsed.ok) throw new Error(parsed.message);
      const job = labelled(parsed.json.job, 'prenv-bot');
      const env = first(labelled(labelled(job.group, 'bot').task, 'prenv').env);
      expect(env).toMatchObject({
        PRENV_CADDY_SERVICE: CADDY_ADMIN_SERVICE,
        PRENV_CADDY_HTTP: entry,
        PRENV_WEBHOOK_HOST: 'prenv.aipacto.com',
      });
      expect(readRuntimeSettings(env as Record<string, string>).ok).toBe(true);
    },
  );

  it("sets no probe with Caddy's internal CA, which no client trusts", async () => {
    const text = renderBotJob(
      { ...config, tls: { ...config.tls, mode: 'internal' } },
      options,
      await repoTemplates(),
    );
    expect(text).not.toContain('PRENV_CADDY_HTTP');
  });
});

describe("the bot's Caddy route", () => {
  it('sends the webhook host to the prenv-bot service by Consul SRV', () => {
    const route = botRoute(config, 'prenv.aipacto.com');
    expect(route['@id']).toBe('prenv-bot');
    expect(route.match).toEqual([{ host: ['prenv.aipacto.com'] }]);
    const subroutes = (route.handle as { routes: Obj[] }[])[0]!.routes;
    expect(subroutes.map((r) => r.match ?? null)).toEqual([
      [{ path: [...BOT_PUBLIC_PATHS] }],
      null,
    ]);
    expect(BOT_PUBLIC_PATHS[0]).toBe(WEBHOOK_PATH);
    expect(JSON.stringify(route)).toContain('"name":"prenv-bot.service.consul"');
  });
});

describe('prenv render bot', () => {
  it('writes the validated job and the route of the webhook host', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'prenv-render-bot-'));
    const run = await runCli([
      'render',
      'bot',
      '--config',
      'examples/aipacto/prenv.yml',
      '--image',
      'ghcr.io/aipacto/prenv:0.1.0',
      '--out',
      out,
    ]);
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toContain('(HCL, jobspec)');
    expect(run.stdout).toContain('webhook host prenv.aipacto.com');
    expect(readFileSync(path.join(out, 'prenv-bot.nomad.hcl'), 'utf8')).toContain(
      'image        = "ghcr.io/aipacto/prenv:0.1.0"',
    );
    const route = JSON.parse(readFileSync(path.join(out, 'prenv-bot.caddy-route.json'), 'utf8'));
    expect(route).toEqual(botRoute(config, 'prenv.aipacto.com'));
  });

  it('needs --image, and keeps --image and --host to bot', async () => {
    const noImage = await runCli(['render', 'bot', '--config', 'examples/aipacto/prenv.yml']);
    expect([noImage.code, noImage.stderr]).toEqual([
      2,
      "prenv: `prenv render bot` needs --image, the image built from prenv's Dockerfile (e.g. ghcr.io/acme/prenv:0.1.0)\n",
    ]);
    const misplaced = await runCli([
      'render',
      'production',
      '--config',
      'examples/aipacto/prenv.yml',
      '--image',
      'x',
    ]);
    expect(misplaced.code).toBe(2);
  });

  it.each([
    [['--image', 'ghcr.io/x/bot:1"\n}\njob "evil" {'], '--image must be an image reference'],
    [['--image', 'x${y}'], '--image must be an image reference'],
    [['--image', '{{sha}}'], '--image must be an image reference'],
    [['--image', 'Ghcr.io/X/bot'], '--image must be an image reference'],
    [
      ['--image', 'ghcr.io/x/bot:1', '--host', 'bot.aipacto.com {'],
      '--host must be a lowercase DNS name',
    ],
    [['--image', 'ghcr.io/x/bot:1', '--host', 'x"}'], '--host must be a lowercase DNS name'],
    [['--image', 'ghcr.io/x/bot:1', '--host', ''], '--host must be a lowercase DNS name'],
  ])('refuses %j as a usage error, writing nothing', async (flags, message) => {
    const out = mkdtempSync(path.join(tmpdir(), 'prenv-bot-bad-'));
    const run = await runCli([
      'render',
      'bot',
      '-c',
      'examples/aipacto/prenv.yml',
      '--out',
      out,
      ...flags,
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(readdirSync(out)).toEqual([]);
  });

  it.each([
    ['PRENV_BOT_IMAGE', 'ghcr.io/x/bot:1"', 'PRENV_BOT_IMAGE must be an image reference'],
    ['PRENV_BOT_IMAGE', 'a b', 'PRENV_BOT_IMAGE must be an image reference'],
    ['PRENV_WEBHOOK_HOST', 'bot.aipacto.com {', 'PRENV_WEBHOOK_HOST must be a lowercase DNS name'],
    ['PRENV_WEBHOOK_HOST', 'BOT.aipacto.com', 'PRENV_WEBHOOK_HOST must be a lowercase DNS name'],
  ])('%s=%j is a settings error', (name, value, message) => {
    const result = readRuntimeSettings({ [name]: value });
    expect(!result.ok && result.errors.join('\n')).toContain(message);
  });
});

describe("the bot's env file", () => {
  it("carries every value exactly through consul-template and Nomad's env-file parser", async () => {
    const { task } = await render();
    const templates = task.template as { destination: string; data: string }[];
    const data = templates.find((t) => t.destination === 'secrets/prenv.env')!.data;
    const values: Record<string, string> = {
      private_key: '-----BEGIN RSA PRIVATE KEY-----\nMIIB\tx+/=\n-----END RSA PRIVATE KEY-----\n',
      webhook_secret: `a&b<c>d"e'f\\g$h{{i}}\u00e9`,
    };
    // Inside `with nomadVar …`, `.item` is the Variable's item: the same value `key` reads.
    const body = data
      .split('\n')
      .filter((line) => /^\w+='\{\{ \.\w+ \|/.test(line.trim()))
      .map((line) => line.trim().replace(/\{\{ \.(\w+) \|/, '{{ key "$1" |'))
      .join('\n');
    const kv = Object.fromEntries(
      BOT_VARIABLE_ITEMS.map((v) => [v.item, values[v.item] ?? `value of ${v.item}`]),
    );
    const parsed = envparse(Buffer.from(evaluate(body, { kv, services: {} })));
    for (const v of BOT_VARIABLE_ITEMS)
      expect(parsed.get(v.name)?.toString(), v.name).toBe(kv[v.item]);
  });
});
