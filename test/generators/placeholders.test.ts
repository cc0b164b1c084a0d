import { describe, expect, it } from 'vitest';
import { RenderError } from '../../generators/errors.js';
import { envLine } from '../../generators/nomad/runtime-env.js';
import { parsePlaceholders } from '../../generators/placeholders.js';
import { renderEnvironment } from '../../generators/render-environment.js';
import { configFromYaml, repoTemplates } from './render-support.js';

describe('parsePlaceholders', () => {
  it('splits text and placeholders', () => {
    expect(parsePlaceholders('redis://{{service.redis}}/0?e={{ env }}&h={{host}}')).toEqual({
      ok: true,
      segments: [
        { kind: 'text', text: 'redis://' },
        { kind: 'service', name: 'redis', part: 'address' },
        { kind: 'text', text: '/0?e=' },
        { kind: 'env' },
        { kind: 'text', text: '&h=' },
        { kind: 'host' },
      ],
    });
    expect(parsePlaceholders('{{service.db}}:{{secret.DB_PASSWORD}}{{sha}}')).toEqual({
      ok: true,
      segments: [
        { kind: 'service', name: 'db', part: 'address' },
        { kind: 'text', text: ':' },
        { kind: 'secret', key: 'DB_PASSWORD' },
        { kind: 'sha' },
      ],
    });
  });

  it('keeps a {{ that is not a {{ word }} as text', () => {
    for (const text of ['{{', 'a {{ .Data }} b', '{{- end -}}', '{{{', '}}']) {
      expect(parsePlaceholders(text)).toEqual({ ok: true, segments: [{ kind: 'text', text }] });
    }
  });

  it('refuses an unknown placeholder', () => {
    expect(parsePlaceholders('x{{ shaa }}')).toEqual({
      ok: false,
      message:
        'unknown placeholder "{{ shaa }}" (known: {{sha}}, {{env}}, {{host}}, {{service.NAME}}, {{service.NAME.host}}, {{service.NAME.port}}, {{secret.KEY}})',
    });
  });
});

const yaml = (env: string, image = 'acme/web:{{sha}}') => `project: demo
github: { owner: acme, repo: demo }
domain: demo.example.com
services:
  web:
    image: "${image}"
    port: 3000
    secrets: [TOKEN]
    env:
${env}
  worker:
    image: acme/worker:1
`;

async function problems(
  text: string,
  sha: { sha?: string } = { sha: 'abc1234' },
): Promise<string[]> {
  try {
    renderEnvironment(configFromYaml(text), { kind: 'production', ...sha }, await repoTemplates());
  } catch (err) {
    if (err instanceof RenderError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
  throw new Error('expected a RenderError');
}

describe('placeholders in prenv.yml', () => {
  it('name the service and key of each problem, all at once', async () => {
    const env = [
      '      A: "{{nope}}"',
      '      B: "{{service.db}}"',
      '      C: "{{service.worker}}"',
      '      D: "{{secret.OTHER}}"',
    ].join('\n');
    expect(await problems(yaml(env))).toEqual([
      'services.web.env.A: unknown placeholder "{{nope}}" (known: {{sha}}, {{env}}, {{host}}, {{service.NAME}}, {{service.NAME.host}}, {{service.NAME.port}}, {{secret.KEY}})',
      'services.web.env.B: {{service.db}} names no service (services: web, worker)',
      'services.web.env.C: {{service.worker}}: service "worker" has no port',
      'services.web.env.D: {{secret.OTHER}}: add "OTHER" to this service\'s secrets first',
    ]);
  });

  it('needs a SHA when an image uses {{sha}}, and only then', async () => {
    expect(await problems(yaml('      A: x'), {})).toEqual([
      'services.web.image: uses {{sha}}, so a commit SHA is needed (pass --sha)',
    ]);
    const files = renderEnvironment(
      configFromYaml(yaml('      A: x', 'acme/web:1.0')),
      { kind: 'production' },
      await repoTemplates(),
    );
    expect(files[0]?.content).toContain('image = "acme/web:1.0"');
    expect(files[0]?.content).not.toContain('prenv_sha');
  });

  it('keeps run-time placeholders out of images', async () => {
    expect(await problems(yaml('      A: x', 'acme/{{service.web}}:1'))).toEqual([
      'services.web.image: {{service.web}} cannot be used here (only in env values, resolved when the task starts)',
    ]);
  });

  const tagRule =
    'is not a commit SHA or image tag (letters, digits, ".", "_", "-", not starting with "." or "-", at most 128 characters as Docker allows)';

  it.each([
    ['abc"; rm', '"abc\\"; rm"'],
    ['-abc', '"-abc"'],
    ['a'.repeat(129), `"${'a'.repeat(60)}"… (129 characters)`],
  ])('refuses a SHA that is not a tag: %s', async (sha, shown) => {
    expect(await problems(yaml('      A: x'), { sha })).toEqual([`sha: ${shown} ${tagRule}`]);
  });

  it('takes a tag of 128 characters', async () => {
    const [job] = renderEnvironment(
      configFromYaml(yaml('      A: x')),
      { kind: 'production', sha: 'a'.repeat(128) },
      await repoTemplates(),
    );
    expect(job?.content).toContain('a'.repeat(128));
  });

  it('fills in {{env}} and {{host}} when rendering', async () => {
    const env = '      URL: "https://{{host}}/{{env}}"';
    const [job] = renderEnvironment(
      configFromYaml(yaml(env)),
      { kind: 'pr', number: 12, sha: 'abc1234' },
      await repoTemplates(),
    );
    expect(job?.content).toContain('URL = "https://pr-12.pr.demo.example.com/pr-12"');
  });

  it.each(['{{service.web.dns}}', 'jdbc://{{ service.web.dns }}/db'])(
    'refuses %s at its key, naming what to write instead',
    async (value) => {
      const found = await problems(yaml(`      DB: "${value}"`));
      expect(found).toHaveLength(1);
      expect(found[0]).toMatch(
        /^services\.web\.env\.DB: "\{\{ ?service\.web\.dns ?\}\}" is not supported: containers don't resolve \*\.service\.consul/,
      );
      expect(found[0]).toContain(
        'Use "{{service.web}}" (host:port), or "{{service.web.host}}" and "{{service.web.port}}"',
      );
    },
  );

  it('renders {{service.NAME.host}} and {{service.NAME.port}} from the same Consul instance', async () => {
    const env =
      '      CACHE_HOST: "{{service.web.host}}"\n      CACHE_PORT: "{{service.web.port}}"\n      URL: "http://{{service.web}}/"';
    const [job] = renderEnvironment(
      configFromYaml(yaml(env)),
      { kind: 'production', sha: 'abc1234' },
      await repoTemplates(),
    );
    expect(job?.content).toContain(
      '{{ $service_web := "" }}{{ $servicehost_web := "" }}{{ $serviceport_web := "" }}' +
        '{{ with service "demo-production-web" }}{{ with index . 0 }}' +
        '{{ $service_web = printf "%s:%d" .Address .Port }}{{ $servicehost_web = .Address }}' +
        '{{ $serviceport_web = printf "%d" .Port }}{{ end }}{{ end }}',
    );
    expect(job?.content).toContain(envLine('CACHE_HOST', 'print $servicehost_web'));
    expect(job?.content).toContain(envLine('CACHE_PORT', 'print $serviceport_web'));
    expect(job?.content).toContain(envLine('URL', 'print "http://" $service_web "/"'));
  });
});
