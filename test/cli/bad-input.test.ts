import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/tools.js';
import { runCli } from './run-cli.js';

// Every wrong input a user can give the CLI: a flag, an argument, or a prenv.yml value that
// reaches a rendered file. Each gets its documented exit code and a message that names what
// to change; "unexpected error" is kept for prenv's own bugs.

const base = readFileSync(path.join(repoRoot, 'examples/aipacto/prenv.yml'), 'utf8');
const ASK = 'ask: http://127.0.0.1:8080/tls/ask';
const WEB_IMAGE = "image: 'developeraipacto/aipacto-web:{{sha}}'";
const PREVIEW_HOST = "host: 'pr-{{number}}.pr.aipacto.com'";

/** The example with `from` replaced by `to` (which must occur). */
function edit(from: string, to: string): string {
  if (!base.includes(from)) throw new Error(`the example has no ${from}`);
  return base.replace(from, to);
}

const withJob = (cron: string) =>
  `${base}jobs:\n  backup:\n    image: postgres:16\n    command: pg_dump\n    cron: ${JSON.stringify(cron)}\n`;

const aliasBomb = [
  'project: aipacto',
  'a: &a [x, x, x, x, x, x, x, x, x]',
  'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
  'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
  'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
  'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]',
  'f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]',
  '',
].join('\n');

/** prenv.yml variants written into the test folder, by file name. */
const configs: Record<string, string> = {
  'good.yml': base,
  'bomb.yml': aliasBomb,
  'ask-brace.yml': edit(ASK, "ask: 'http://127.0.0.1:8080/tls/ask}'"),
  'ask-open-brace.yml': edit(ASK, "ask: 'http://127.0.0.1:8080/{tls}/ask'"),
  'ask-space.yml': edit(ASK, "ask: 'http://127.0.0.1:8080/tls ask'"),
  'ask-quote.yml': edit(ASK, `ask: 'http://127.0.0.1:8080/"tls"'`),
  'ask-ftp.yml': edit(ASK, "ask: 'ftp://127.0.0.1/tls/ask'"),
  'host-brace.yml': edit(PREVIEW_HOST, "host: 'pr-{{number}}}.pr.aipacto.com'"),
  'host-space.yml': edit(PREVIEW_HOST, "host: 'pr-{{number}} x.pr.aipacto.com'"),
  'host-upper.yml': edit(PREVIEW_HOST, "host: 'PR-{{number}}.pr.aipacto.com'"),
  'cron-fruit.yml': withJob('banana apple pear plum kiwi'),
  'cron-99.yml': withJob('99 99 99 99 99'),
  'cron-midnight.yml': withJob('@midnight'),
  'syntax.yml': 'project: [aipacto\n',
  'list.yml': '- project\n- aipacto\n',
  'env-placeholder.yml': edit('NODE_ENV: production', "NODE_ENV: '{{service.nope}}'"),
  // Values of the right form that no key can use: a reconciler period of 0 (or past Node's
  // 24.8-day timer limit) spins, a TTL of 0 destroys every preview at once, a size of 0 or
  // past int64 breaks Caddy, a port or CIDR out of range reaches Caddy or Terraform.
  'ttl-0.yml': edit('ttl: 72h', 'ttl: 0s'),
  'ttl-huge.yml': edit('ttl: 72h', 'ttl: 99999999999999999999h'),
  'reconcile-0.yml': `${base}reconcile: { every: 0s }\n`,
  'reconcile-30d.yml': `${base}reconcile: { every: 30d }\n`,
  'timeout-0.yml': edit('route: { path: /api }', 'route: { path: /api, timeout: 0s }'),
  'max-body-0.yml': edit('route: { path: /api }', 'route: { path: /api, max_body: 0MB }'),
  'max-body-huge.yml': edit(
    'route: { path: /api }',
    'route: { path: /api, max_body: 9999999999GiB }',
  ),
  'dns-port.yml': `${base}consul: { dns: '127.0.0.1:99999' }\n`,
  // An image Docker cannot pull fails only at deploy time; its reference grammar is known.
  'image-space.yml': edit(WEB_IMAGE, "image: 'developeraipacto/aipacto web:{{sha}}'"),
  'image-quote.yml': edit(WEB_IMAGE, `image: 'a"b\${x}:{{sha}}'`),
  'image-newline.yml': edit(WEB_IMAGE, 'image: "acme/web\\n:{{sha}}"'),
  'image-upper.yml': edit(WEB_IMAGE, "image: 'Acme/Web:{{sha}}'"),
  'alias-unknown.yml': edit('max: 15', 'max: *nope'),
  'env-key-space.yml': edit('NODE_ENV: production', "'NODE ENV': production"),
  'max-infinite.yml': edit('max: 15', 'max: 1e400'),
  'max-binary.yml': edit('max: 15', 'max: !!binary aGVsbG8='),
  'cidr.yml': edit('server_type: cx22', "server_type: cx22\n  ssh_allowed_cidrs: ['999.1.1.1/99']"),
};

interface Case {
  args: string[];
  /** PRENV_* settings, besides PATH. */
  env?: Record<string, string>;
  code: 2 | 3 | 1;
  /** What the message must name: the flag, the argument or the key (with its position). */
  names: RegExp;
}

const render = (config: string, ...rest: string[]) => [
  'render',
  'pr',
  '7',
  '--sha',
  'abc1234',
  '--check',
  '--config',
  config,
  ...rest,
];

const cases: Case[] = [
  // prenv.yml values: exit 3, file:line:column and the key.
  { args: render('bomb.yml'), code: 3, names: /bomb\.yml:\d+:\d+: [a-f]: YAML aliases/ },
  { args: render('ask-brace.yml'), code: 3, names: /ask-brace\.yml:21:\d+: tls\.ask: / },
  { args: render('ask-open-brace.yml'), code: 3, names: /:21:\d+: tls\.ask: / },
  { args: render('ask-space.yml'), code: 3, names: /:21:\d+: tls\.ask: / },
  { args: render('ask-quote.yml'), code: 3, names: /:21:\d+: tls\.ask: / },
  { args: render('ask-ftp.yml'), code: 3, names: /:21:\d+: tls\.ask: / },
  { args: render('host-brace.yml'), code: 3, names: /:12:\d+: previews\.host: / },
  { args: render('host-space.yml'), code: 3, names: /:12:\d+: previews\.host: / },
  { args: render('host-upper.yml'), code: 3, names: /:12:\d+: previews\.host: / },
  { args: render('cron-fruit.yml'), code: 3, names: /:\d+:\d+: jobs\.backup\.cron: minute/ },
  { args: render('cron-99.yml'), code: 3, names: /:\d+:\d+: jobs\.backup\.cron: minute/ },
  { args: render('cron-midnight.yml'), code: 3, names: /jobs\.backup\.cron: "@midnight"/ },
  { args: render('ttl-0.yml'), code: 3, names: /:15:\d+: previews\.ttl: must be between 1m/ },
  { args: render('ttl-huge.yml'), code: 3, names: /:15:\d+: previews\.ttl: must be between/ },
  { args: render('reconcile-0.yml'), code: 3, names: /reconcile\.every: must be between 10s/ },
  { args: render('reconcile-30d.yml'), code: 3, names: /reconcile\.every: must be between/ },
  { args: render('timeout-0.yml'), code: 3, names: /route\.0\.timeout: must be between 1s/ },
  { args: render('max-body-0.yml'), code: 3, names: /route\.0\.max_body: must be more than 0/ },
  { args: render('max-body-huge.yml'), code: 3, names: /route\.0\.max_body: must be more/ },
  { args: render('dns-port.yml'), code: 3, names: /consul\.dns: must be host:port/ },
  {
    args: render('image-space.yml'),
    code: 3,
    names: /:35:\d+: services\.web\.image: must be an image/,
  },
  {
    args: render('image-quote.yml'),
    code: 3,
    names: /:35:\d+: services\.web\.image: must be an image/,
  },
  { args: render('image-newline.yml'), code: 3, names: /:35:\d+: services\.web\.image: must be/ },
  { args: render('image-upper.yml'), code: 3, names: /:35:\d+: services\.web\.image: must be/ },
  {
    args: render('alias-unknown.yml'),
    code: 3,
    names: /alias-unknown\.yml:13:8: previews\.max: YAML alias \*nope has no anchor &nope/,
  },
  {
    args: render('env-key-space.yml'),
    code: 3,
    names: /:29:\d+: services\.server\.env\.NODE ENV: must be an environment variable name/,
  },
  { args: render('max-infinite.yml'), code: 3, names: /previews\.max: .*Infinity, past any/ },
  { args: render('max-binary.yml'), code: 3, names: /previews\.max: .*binary data/ },
  { args: render('cidr.yml'), code: 3, names: /:11:\d+: hetzner\.ssh_allowed_cidrs\.0: / },
  { args: render('syntax.yml'), code: 3, names: /syntax\.yml:\d+:\d+: / },
  { args: render('list.yml'), code: 3, names: /list\.yml:1:1: expected a mapping, got a list/ },
  { args: render('missing.yml'), code: 3, names: /missing\.yml:1:1: file not found/ },
  { args: render('.'), code: 3, names: /is a folder.*--config/ },
  {
    args: render('env-placeholder.yml'),
    code: 3,
    names: /env-placeholder\.yml:29:17: services\.server\.env\.NODE_ENV: \{\{service\.nope\}\}/,
  },
  {
    args: ['plan', 'pr', '7', '--sha', 'abc1234', '--steps', '--config', 'env-placeholder.yml'],
    code: 3,
    names: /env-placeholder\.yml:29:17: services\.server\.env\.NODE_ENV: \{\{service\.nope\}\}/,
  },
  { args: ['plan', 'staging', '--config', 'bomb.yml'], code: 3, names: /bomb\.yml:\d+:\d+/ },
  { args: ['list', '--config', 'ask-brace.yml'], code: 3, names: /tls\.ask/ },
  { args: ['deploy', 'pr', '7', '--config', 'cron-fruit.yml'], code: 3, names: /jobs\.backup/ },
  // Flags and arguments: exit 2, naming the flag or argument.
  { args: ['render', 'staging', '--sha', 'a b', '--config', 'good.yml'], code: 2, names: /--sha/ },
  { args: ['render', 'pr', '7', '--sha', '../x', '--config', 'good.yml'], code: 2, names: /--sha/ },
  { args: ['render', 'pr', '7', '--sha', '', '--config', 'good.yml'], code: 2, names: /--sha/ },
  { args: ['render', 'staging', '--sha', 'x}', '--config', 'bomb.yml'], code: 2, names: /--sha/ },
  { args: ['plan', 'staging', '--sha', 'a;b', '--config', 'good.yml'], code: 2, names: /--sha/ },
  { args: ['plan', 'pr-7', '--sha', '$(id)', '--config', 'good.yml'], code: 2, names: /--sha/ },
  { args: ['deploy', 'staging', '--sha', 'a b', '--config', 'good.yml'], code: 2, names: /--sha/ },
  { args: ['deploy', 'pr', '7', '--sha', 'zz z', '--config', 'good.yml'], code: 2, names: /--sha/ },
  { args: ['render', 'pr', '7x', '--config', 'good.yml'], code: 2, names: /pull request number/ },
  { args: ['render', 'pr', '0', '--config', 'good.yml'], code: 2, names: /pull request number/ },
  { args: ['render', 'pr', '--config', 'good.yml'], code: 2, names: /pull request number/ },
  {
    args: ['render', 'prod', '--config', 'good.yml'],
    code: 2,
    names: /unknown environment "prod"/,
  },
  { args: ['render', 'staging', '7', '--config', 'good.yml'], code: 2, names: /takes no number/ },
  { args: ['render', 'staging', '--branch', 'x'], code: 2, names: /--branch/ },
  { args: ['render', 'staging', '--bogus'], code: 2, names: /--bogus/ },
  { args: ['destroy', 'pr', 'seven'], code: 2, names: /pull request number/ },
  { args: ['status', 'banana'], code: 2, names: /unknown environment "banana"/ },
  {
    args: ['plan', 'pr', 'x'],
    code: 2,
    names: /`prenv plan pr` needs the pull request number.*"x" is not a positive integer/,
  },
  { args: ['serve', '--port', 'abc'], code: 2, names: /--port/ },
  { args: ['serve', '--port', '70000'], code: 2, names: /--port/ },
  { args: ['serve', '--port', ''], code: 2, names: /--port/ },
  { args: ['serve', '--port', '1e3'], code: 2, names: /--port/ },
  { args: ['deploy'], code: 2, names: /env/ },
  { args: ['lsit'], code: 2, names: /lsit/ },
  { args: ['init', '--from-compose', 'no-such-compose.yml'], code: 2, names: /no-such-compose/ },
  // PRENV_* settings that name files or folders: exit 3, naming the variable.
  {
    args: ['render', 'staging', '--sha', 'abc1234', '--check', '--config', 'good.yml'],
    env: { PRENV_TEMPLATES: 'no-such-templates' },
    code: 3,
    names: /PRENV_TEMPLATES=no-such-templates: cannot read .*no-such-templates\/nomad \(ENOENT\)/,
  },
  {
    args: ['plan', 'pr', '7', '--sha', 'abc1234', '--config', 'good.yml'],
    env: { PRENV_TF_PRODUCTION_OUTPUTS: 'not-json.json' },
    code: 3,
    names: /PRENV_TF_PRODUCTION_OUTPUTS=not-json\.json: is not JSON/,
  },
  {
    args: ['plan', 'pr', '7', '--sha', 'abc1234', '--config', 'good.yml'],
    env: { PRENV_TF_PRODUCTION_OUTPUTS: 'list.json' },
    code: 3,
    names: /PRENV_TF_PRODUCTION_OUTPUTS=list\.json: must hold a JSON object/,
  },
  {
    args: ['deploy', 'pr', '7', '--sha', 'abc1234', '--config', 'good.yml'],
    env: { PRENV_TF_PRODUCTION_OUTPUTS: 'no-such-vars.json' },
    code: 3,
    names: /PRENV_TF_PRODUCTION_OUTPUTS=no-such-vars\.json: cannot read it \(ENOENT\)/,
  },
  ...(
    [
      ['PRENV_NOMAD_ADDR', 'nota_url'],
      ['PRENV_CONSUL_ADDR', 'ftp://127.0.0.1:8500'],
      ['PRENV_CADDY_ADMIN', '127.0.0.1:2019'],
      ['PRENV_HCLOUD_API_URL', 'not a url'],
    ] as const
  ).map(([name, value]): Case => ({
    args: ['plan', 'pr', '7', '--sha', 'abc1234', '--config', 'good.yml'],
    env: { [name]: value },
    code: 3,
    names: new RegExp(`${name} must be an http\\(s\\) URL`),
  })),
  {
    args: ['plan', 'staging', '--sha', 'abc1234', '--config', 'good.yml'],
    env: { PRENV_STAGING_NOMAD_ADDR: 'nota_url' },
    code: 3,
    names: /PRENV_STAGING_NOMAD_ADDR must be an http\(s\) URL/,
  },
  {
    args: ['list', '--config', 'good.yml'],
    env: { PRENV_STATE: '.' },
    code: 3,
    names: /PRENV_STATE=\. is not a file/,
  },
  {
    args: ['plan', 'pr', '7', '--sha', 'abc1234', '--config', 'good.yml'],
    env: { PRENV_TF_VARS_FILE: 'vars.json' },
    code: 3,
    names: /PRENV_TF_VARS_FILE is no longer read.*PRENV_TF_PRODUCTION_OUTPUTS/s,
  },
  {
    args: ['serve', '--config', 'good.yml', '--port', '0'],
    env: {
      PRENV_WEBHOOK_SECRET: 'a-webhook-secret',
      PRENV_GITHUB_TOKEN: 'token-for-tests',
      PRENV_STATE: 'serve-state.db',
      PRENV_TF_PRODUCTION_OUTPUTS: 'not-json.json',
    },
    code: 3,
    names: /PRENV_TF_PRODUCTION_OUTPUTS=not-json\.json: is not JSON/,
  },
];

function describeCase(c: Case): string {
  const env = Object.entries(c.env ?? {}).map(([k, v]) => `${k}=${v} `);
  return `${env.join('')}prenv ${c.args.join(' ')} → exit ${c.code}`;
}

let cwd: string;

beforeAll(() => {
  cwd = mkdtempSync(path.join(tmpdir(), 'prenv-bad-input-'));
  for (const [name, text] of Object.entries(configs)) writeFileSync(path.join(cwd, name), text);
  writeFileSync(path.join(cwd, 'a-file'), '');
  writeFileSync(path.join(cwd, 'not-json.json'), '{ network_id: 1 }');
  writeFileSync(path.join(cwd, 'list.json'), '[1]');
});

describe('a wrong input gets its exit code and names what to change', () => {
  it.each(cases.map((c) => [describeCase(c), c] as const))('%s', async (_, c) => {
    const { args, code, names } = c;
    const run = await runCli(args, { cwd, env: { PATH: process.env.PATH, ...c.env } });
    expect(run.stderr).not.toMatch(/unexpected error/);
    expect(run.stderr).toMatch(names);
    expect(run.code).toBe(code);
  });

  it('names --out when the rendered files cannot be written there', async () => {
    const run = await runCli(
      ['render', 'staging', '--sha', 'abc1234', '--config', 'good.yml', '--out', 'a-file/x'],
      { cwd, env: { PATH: process.env.PATH } },
    );
    expect(run.stderr).not.toMatch(/unexpected error/);
    expect(run.stderr).toMatch(
      /cannot write the rendered files into .*a-file\/x \(ENOTDIR\): check --out/,
    );
    expect(run.code).toBe(2);
  });
});

describe('prenv serve names the flag when it cannot listen', () => {
  let busy: Server;
  let busyPort: number;
  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    busyPort = (busy.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => busy.close(() => resolve())));

  const serveEnv = () => ({
    PATH: process.env.PATH,
    PRENV_WEBHOOK_SECRET: 'a-webhook-secret',
    PRENV_GITHUB_TOKEN: 'token-for-tests',
    PRENV_STATE: path.join(cwd, 'state.db'),
    PRENV_RECONCILE: 'off',
  });

  it('--host that is not an address of this machine → exit 2', async () => {
    // 203.0.113.0/24 is TEST-NET-3 (RFC 5737): never assigned to this machine.
    const args = ['serve', '--config', 'good.yml', '--host', '203.0.113.7', '--port', '0'];
    const run = await runCli(args, { cwd, env: serveEnv() });
    expect(run.stderr).not.toMatch(/unexpected error/);
    expect(run.stderr).toMatch(/cannot listen on 203\.0\.113\.7:0 \(EADDRNOTAVAIL\).*--host/);
    expect(run.code).toBe(2);
  });

  it('a --port in use → exit 1, naming --port', async () => {
    const args = ['serve', '--config', 'good.yml', '--port', String(busyPort)];
    const run = await runCli(args, { cwd, env: serveEnv() });
    expect(run.stderr).not.toMatch(/unexpected error/);
    expect(run.stderr).toMatch(/the port is in use; pass another --port/);
    expect(run.code).toBe(1);
  });
});
