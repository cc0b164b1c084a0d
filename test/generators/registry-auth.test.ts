import { describe, expect, it } from 'vitest';
import { loadJobspecSchema } from '../../bot/adapters/nomad/jobspec-schema-file.js';
import { requiredSecretKeys } from '../../generators/nomad/secret-keys.js';
import { imageRegistry } from '../../generators/nomad/registry-auth.js';
import { renderEnvironment } from '../../generators/render-environment.js';
import { checkJobFile } from '../../generators/validate/job-file.js';
import { configFromYaml, repoTemplates } from './render-support.js';

const yml = `project: shop
github: { owner: acme, repo: shop }
domain: shop.example.com
registries:
  - { server: ghcr.io, username_secret: GHCR_USER, password_secret: GHCR_TOKEN }
services:
  web:
    image: "ghcr.io/acme/web:{{sha}}"
    port: 3000
    prestart:
      migrate: { image: "ghcr.io/acme/web:{{sha}}", command: migrate }
  cache:
    image: redis:7
    port: 6379
`;

describe('private registries', () => {
  it.each([
    ['ghcr.io/acme/web:1', 'ghcr.io'],
    ['registry.example.com:5000/team/app@sha256:' + 'a'.repeat(64), 'registry.example.com:5000'],
    ['localhost/app:dev', 'localhost'],
    ['redis:7', 'docker.io'],
    ['acme/web:1', 'docker.io'],
  ])('%s is pulled from %s', (image, registry) => {
    expect(imageRegistry(image)).toBe(registry);
  });

  it('give the docker driver an auth block filled from Consul KV when the task starts, never a value', async () => {
    const files = renderEnvironment(
      configFromYaml(yml),
      { kind: 'pr', number: 4, sha: 'abc1234' },
      await repoTemplates(),
    );
    const job = files.find((f) => f.kind === 'nomad-job')!;
    const check = await checkJobFile(job.path, job.content, loadJobspecSchema());
    expect(check).toMatchObject({ ok: true });
    // web and its migrate task pull from ghcr.io; redis from Docker Hub gets nothing.
    expect(
      job.content.match(
        /auth \{\s+username = "\$\{PRENV_REGISTRY_USERNAME\}"\s+password = "\$\{PRENV_REGISTRY_PASSWORD\}"\s+\}/g,
      ),
    ).toHaveLength(2);
    expect(job.content.match(/destination = "secrets\/registry\.env"/g)).toHaveLength(2);
    expect(job.content).toContain(`PRENV_REGISTRY_USERNAME='{{ key "shop/previews/GHCR_USER"`);
    expect(job.content).toContain(`PRENV_REGISTRY_PASSWORD='{{ key "shop/previews/GHCR_TOKEN"`);
    // The deploy's secret check asks Consul for them like every other secret.
    expect(requiredSecretKeys(files)).toEqual([
      'shop/previews/GHCR_TOKEN',
      'shop/previews/GHCR_USER',
    ]);
  });

  it('refuses a server that is not a registry host', () => {
    expect(() =>
      configFromYaml(yml.replace('server: ghcr.io', 'server: "https://ghcr.io"')),
    ).toThrow(/registries\.0\.server: must be a registry host such as ghcr\.io/);
  });

  // An entry no image can ever match is refused rather than silently unused.
  it.each([
    [
      'the same server twice',
      '  - { server: ghcr.io, username_secret: OTHER_USER, password_secret: OTHER_TOKEN }\n',
      /registries\.1\.server: repeats "ghcr\.io" \(already entry 1 of registries\)/,
    ],
    [
      'a port above 65535',
      '  - { server: "registry.example.com:99999", username_secret: U, password_secret: P }\n',
      /registries\.1\.server: has a port above 65535/,
    ],
    [
      "one of Docker Hub's hosts",
      '  - { server: index.docker.io, username_secret: U, password_secret: P }\n',
      /registries\.1\.server: is Docker Hub: write docker\.io/,
    ],
    [
      "another of Docker Hub's hosts",
      '  - { server: registry-1.docker.io, username_secret: U, password_secret: P }\n',
      /registries\.1\.server: is Docker Hub: write docker\.io/,
    ],
  ])('refuses %s', (_what, entry, message) => {
    const extra = yml.replace('services:\n', `${entry}services:\n`);
    expect(() => configFromYaml(extra)).toThrow(message);
  });

  it('takes docker.io and a registry with a port', () => {
    const extra = yml.replace(
      'services:\n',
      '  - { server: docker.io, username_secret: U, password_secret: P }\n' +
        '  - { server: "registry.example.com:5000", username_secret: U, password_secret: P }\nservices:\n',
    );
    expect(configFromYaml(extra).registries.map((r) => r.server)).toEqual([
      'ghcr.io',
      'docker.io',
      'registry.example.com:5000',
    ]);
  });
});
