import { describe, expect, it } from 'vitest';
import { loadComposeSchema } from '../../bot/adapters/compose/compose-schema-file.js';
import { composeSchemaProblems } from '../../generators/compose/compose-schema.js';
import { formatComposeProblem, parseComposeYaml } from '../../generators/compose/compose-yaml.js';
import { interpolateString, parseDotEnv } from '../../generators/compose/interpolate.js';
import { interpolateCompose } from '../../generators/compose/interpolate-compose.js';

describe('Compose interpolation (compose-spec "Interpolation")', () => {
  const vars: Record<string, string> = { SET: 'value', EMPTY: '', NESTED: 'inner' };
  const lookup = (name: string) => vars[name];

  it.each([
    ['${SET}', 'value'],
    ['$SET', 'value'],
    ['$SET-suffix', 'value-suffix'],
    ['${SET}_x', 'value_x'],
    ['${UNSET:-default}', 'default'],
    ['${EMPTY:-default}', 'default'],
    ['${EMPTY-default}', ''],
    ['${UNSET-default}', 'default'],
    ['${SET:-default}', 'value'],
    ['${SET:+alt}', 'alt'],
    ['${EMPTY:+alt}', ''],
    ['${EMPTY+alt}', 'alt'],
    ['${UNSET:-${NESTED}}', 'inner'],
    ['${UNSET:-a ${UNSET2:-b}}', 'a b'],
    ['$$', '$'],
    ['$${SET}', '${SET}'],
    ['$$SET', '$SET'],
    ['costs $$5 per month', 'costs $5 per month'],
    ['costs $5', 'costs $5'],
    ['$$2a$$10$$N9qo8uLOickgx2ZMRZoMye', '$2a$10$N9qo8uLOickgx2ZMRZoMye'],
    ['${UNSET}', ''],
    ['plain', 'plain'],
  ])('%j → %j', (text, expected) => {
    const result = interpolateString(text, lookup);
    expect(result.value).toBe(expected);
    expect(result.errors).toEqual([]);
  });

  it.each([
    ['${UNSET:?needs it}', 'UNSET: needs it'],
    ['${EMPTY:?}', 'EMPTY: required, and is unset or empty'],
    ['${UNSET?}', 'UNSET: required, and is unset'],
    ['${SET', '"${SET" has no closing "}"'],
    ['${1X}', '"${1X}" is not a valid variable reference'],
  ])('%j is an error: %j', (text, error) => {
    expect(interpolateString(text, lookup).errors).toEqual([error]);
  });

  it('accepts ${EMPTY?} (set, if empty) and lists unset variables', () => {
    expect(interpolateString('${EMPTY?x}', lookup).errors).toEqual([]);
    expect(interpolateString('${A}-$B-${SET}', lookup).missing).toEqual(['A', 'B']);
  });

  it('reads .env files as Compose does', () => {
    const env = parseDotEnv(
      [
        '# comment',
        'A=1',
        'export B=two',
        "C='single $A'",
        'D="double ${A}\\n"',
        'E=${A}-x # trailing comment',
        'F=',
        '   G = spaced  ',
      ].join('\n'),
    );
    expect(env).toEqual({
      A: '1',
      B: 'two',
      C: 'single $A',
      D: 'double 1\n',
      E: '1-x',
      F: '',
      G: 'spaced',
    });
  });

  it('turns unset or secret-named variables in environment into secrets, and stops on image', () => {
    const result = interpolateCompose(
      {
        services: {
          web: {
            image: 'acme/web:${TAG}',
            environment: [
              'DB=postgres://u:${DB_PASSWORD}@db/x',
              'REGION=${REGION}',
              'HOME_URL=${URL}',
            ],
            command: 'run ${FLAG}',
          },
        },
      },
      { DB_PASSWORD: 'hunter2', REGION: 'eu' },
    );
    const web = (result.value as { services: { web: Record<string, unknown> } }).services.web;
    expect(web.environment).toEqual([
      'DB=postgres://u:{{secret.DB_PASSWORD}}@db/x',
      'REGION=eu',
      'HOME_URL={{secret.URL}}',
    ]);
    expect(JSON.stringify(result.value)).not.toContain('hunter2');
    expect(result.secretRefs).toEqual([
      { service: 'web', key: 'DB', variable: 'DB_PASSWORD', why: 'secret-name' },
      { service: 'web', key: 'HOME_URL', variable: 'URL', why: 'unset' },
    ]);
    expect(result.unset).toEqual([{ path: ['services', 'web', 'command'], variable: 'FLAG' }]);
    expect(result.problems).toEqual([
      {
        path: ['services', 'web', 'image'],
        message: expect.stringContaining('variable TAG is not set') as string,
      },
    ]);
  });
});

describe('environment entries without a value', () => {
  // Compose takes `FOO` (list) or `FOO:` (map) from the shell or the environment files
  // (.env, --env-file); a variable none of them sets is left for the shell.
  it.each([
    [
      'list',
      ['RETENTION_DAYS', 'API_TOKEN', 'FROM_SHELL', 'MODE=x'],
      ['RETENTION_DAYS=90', 'API_TOKEN={{secret.API_TOKEN}}', 'FROM_SHELL', 'MODE=x'],
    ],
    [
      'map',
      { RETENTION_DAYS: null, API_TOKEN: null, FROM_SHELL: null, MODE: 'x' },
      {
        RETENTION_DAYS: '90',
        API_TOKEN: '{{secret.API_TOKEN}}',
        FROM_SHELL: null,
        MODE: 'x',
      },
    ],
  ])('take their value from .env in a %s', (_, environment, expected) => {
    const result = interpolateCompose(
      { services: { a: { image: 'a', environment } } },
      { RETENTION_DAYS: '90', API_TOKEN: 'tok-123' },
    );
    expect(
      (result.value as { services: { a: { environment: unknown } } }).services.a.environment,
    ).toEqual(expected);
    expect(JSON.stringify(result.value)).not.toContain('tok-123');
    expect(result.secretRefs).toEqual([
      { service: 'a', key: 'API_TOKEN', variable: 'API_TOKEN', why: 'secret-name' },
    ]);
  });
});

describe('extension fields', () => {
  it('are not reported as unset where they are only the source of an anchor', () => {
    const result = interpolateCompose(
      {
        'x-app': { image: 'a', command: 'run ${FLAG}', environment: { SECRET_KEY: '${KEY}' } },
        services: {
          a: { image: 'a', command: 'run ${FLAG}', environment: { SECRET_KEY: '${KEY}' } },
        },
      },
      {},
    );
    expect(result.unset).toEqual([{ path: ['services', 'a', 'command'], variable: 'FLAG' }]);
    expect(result.secretRefs).toEqual([
      { service: 'a', key: 'SECRET_KEY', variable: 'KEY', why: 'secret-name' },
    ]);
  });
});

describe('values from .env that hold a password', () => {
  it('are read at run time even when the name does not say secret', () => {
    const result = interpolateCompose(
      {
        services: {
          a: { image: 'a', environment: { DATABASE_URL: '${DATABASE_URL}', MODE: '${MODE}' } },
        },
      },
      { DATABASE_URL: 'postgres://u:hunter2@db/x', MODE: 'full' },
    );
    expect(
      (result.value as { services: { a: { environment: unknown } } }).services.a.environment,
    ).toEqual({
      DATABASE_URL: '{{secret.DATABASE_URL}}',
      MODE: 'full',
    });
    expect(JSON.stringify(result.value)).not.toContain('hunter2');
  });
});

describe('typed interpolation', () => {
  it('gives numbers and booleans where the spec wants them, as Compose does', () => {
    const result = interpolateCompose(
      {
        services: {
          a: {
            image: 'a',
            deploy: { replicas: '${N:-2}' },
            healthcheck: { retries: '${R}', disable: '${OFF:-false}' },
            labels: ['${L:-true}'],
            environment: { COUNT: '${N:-2}' },
          },
        },
      },
      { R: '5' },
    );
    expect((result.value as { services: { a: unknown } }).services.a).toEqual({
      image: 'a',
      deploy: { replicas: 2 },
      healthcheck: { retries: 5, disable: false },
      labels: ['true'],
      environment: { COUNT: '2' },
    });
  });
});

describe('Compose YAML', () => {
  it('merges `<<` keys, own keys winning, and lists of merges in order', () => {
    const result = parseComposeYaml(
      [
        'x-a: &a { image: a, environment: { A: "1" } }',
        'x-b: &b { image: b, user: b }',
        'services:',
        '  s:',
        '    <<: [*a, *b]',
        '    user: own',
      ].join('\n'),
      'c.yml',
    );
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect((result.source.value as { services: unknown }).services).toEqual({
      s: { image: 'a', environment: { A: '1' }, user: 'own' },
    });
  });

  // Syntax errors read as prenv.yml's do (yamlSyntaxProblems): position, key path, advice.
  it.each([
    ['services:\n  a: *nope\n', 'c.yml:2:6: unknown alias "nope"'],
    [
      'services:\n  a: [1\n',
      'c.yml:3:1: services.a.0: flow sequence in block collection must be sufficiently indented and end with a ]',
    ],
    [
      'services:\n  web:\n    environment: {A: 1\n',
      'c.yml:4:1: services.web.environment.A: flow map in block collection must be sufficiently indented and end with a }',
    ],
    [
      'services:\n  a: 1\n  a: 2\n',
      'c.yml:3:3: services.a: duplicate key "a" (first at line 2); keep one of them',
    ],
    [
      'services:\n  web:\n    image: "acme/web\n',
      'c.yml:3:12: services.web.image: the string that starts here has no closing " before the end of the file; close it on its line',
    ],
    [
      'services:\n  web:\n    image: acme/web: latest\n',
      'c.yml:3:12: services.web.image: nested mappings are not allowed in compact mappings; a value holding ": " must be quoted',
    ],
    [
      'services:\n  web:\n    image: x\n   bad: 1\n',
      'c.yml:4:1: services.web.image: all mapping items must start at the same column',
    ],
    [
      'services:\n  web:\n\timage: x\n',
      'c.yml:3:1: tabs are not allowed as indentation; indent with spaces',
    ],
    [
      'services:\n  web:\n    image: x\n---\nservices: {}\n',
      'c.yml:4:1: a second YAML document starts here; a Compose file is one document, so remove this "---" and merge what follows',
    ],
  ])('gives positioned errors for %j', (text, message) => {
    const result = parseComposeYaml(text, 'c.yml');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map(formatComposeProblem)).toEqual([message]);
  });

  it("accepts Compose's own tags (!reset, !override)", () => {
    const result = parseComposeYaml(
      'services:\n  web:\n    ports: !reset []\n    image: !override acme/web\n',
      'c.yml',
    );
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.source.value).toEqual({ services: { web: { ports: [], image: 'acme/web' } } });
  });

  it('still refuses an exponential alias expansion', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++) {
      lines.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    }
    const result = parseComposeYaml(`${lines.join('\n')}\nservices: {}\n`, 'bomb.yml');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]?.message).toContain('Excessive alias count');
  });
});

describe('Compose specification schema', () => {
  const schema = loadComposeSchema();

  it.each([
    [
      'top-level name, include, models and x- keys',
      { name: 'p', include: ['other.yml'], models: {}, 'x-a': 1, services: {} },
    ],
    [
      'develop, gpus, post_start and a long-syntax port with a string published port',
      {
        services: {
          a: {
            image: 'a',
            develop: { watch: [{ path: './src', action: 'sync', target: '/app' }] },
            post_start: [{ command: 'echo hi' }],
            gpus: 'all',
            ports: [
              {
                target: 80,
                published: '8080',
                host_ip: '127.0.0.1',
                protocol: 'tcp',
                app_protocol: 'http',
              },
            ],
            depends_on: { b: { condition: 'service_healthy', restart: true, required: false } },
            healthcheck: { test: ['CMD', 'true'], start_interval: '1s' },
          },
          b: { image: 'b' },
        },
      },
    ],
  ])('accepts %s', (_, doc) => {
    expect(composeSchemaProblems(doc, schema)).toEqual([]);
  });

  it('names each wrong key once, at its path', () => {
    expect(
      composeSchemaProblems(
        {
          services: {
            a: {
              image: 'a',
              imagee: 'typo',
              ports: [{ target: 80, published: {} }],
              depends_on: { b: { condition: 'done' } },
            },
          },
          extra: true,
        },
        schema,
      ),
    ).toEqual([
      { path: ['extra'], message: 'is not a key of the Compose specification' },
      { path: ['services', 'a', 'imagee'], message: 'is not a key of the Compose specification' },
      {
        path: ['services', 'a', 'depends_on', 'b', 'condition'],
        message:
          'must be one of "service_started", "service_healthy", "service_completed_successfully"',
      },
      { path: ['services', 'a', 'ports', 0, 'published'], message: 'must be string,integer' },
    ]);
  });
});
