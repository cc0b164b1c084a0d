import { describe, expect, it } from 'vitest';
import {
  containerPort,
  cpuMHz,
  healthPath,
  memoryMiB,
  prenvName,
  splitCommand,
} from '../../generators/compose/compose-values.js';
import { convertEnvironment } from '../../generators/compose/compose-env.js';

describe('Compose value converters', () => {
  it.each([
    ['3000', 3000],
    ['8080:3000', 3000],
    ['127.0.0.1:8080:3000/tcp', 3000],
    ['9000-9001:9000-9001', 9000],
    [{ target: 80, published: 8080 }, 80],
    [5432, 5432],
    ['nonsense', undefined],
  ])('containerPort(%j) = %j', (spec, port) => {
    expect(containerPort(spec)).toBe(port);
  });

  it.each([
    ['512M', 512],
    ['2g', 2048],
    ['1.5GB', 1536],
    ['256MiB', 256],
    [1073741824, 1024],
    ['lots', undefined],
  ])('memoryMiB(%j) = %j', (value, mib) => {
    expect(memoryMiB(value)).toBe(mib);
  });

  it('turns CPUs into MHz', () => {
    expect(cpuMHz('0.25')).toBe(250);
    expect(cpuMHz(2)).toBe(2000);
    expect(cpuMHz('x')).toBeUndefined();
  });

  it('splits commands like a shell would for simple quoting', () => {
    expect(splitCommand('redis-server --appendonly yes')).toEqual([
      'redis-server',
      '--appendonly',
      'yes',
    ]);
    expect(splitCommand(`sh -c "echo 'hi there'"`)).toEqual(['sh', '-c', "echo 'hi there'"]);
    expect(splitCommand(['a', 'b c'])).toEqual(['a', 'b c']);
  });

  it('finds the path of an HTTP health check against localhost', () => {
    expect(healthPath(['CMD', 'curl', '-f', 'http://localhost:3000/api/health'])).toBe(
      '/api/health',
    );
    expect(healthPath('wget -qO- http://127.0.0.1:8000 || exit 1')).toBe('/');
    expect(healthPath(['CMD', 'pg_isready', '-U', 'postgres'])).toBeUndefined();
  });

  it('makes prenv names out of Compose names', () => {
    expect(prenvName('celery_worker')).toBe('celery-worker');
    expect(prenvName('Postgres_Data')).toBe('postgres-data');
    expect(prenvName('9lives')).toBe('lives');
  });
});

describe('convertEnvironment', () => {
  const names = new Map([
    ['redis', 'redis'],
    ['db_main', 'db-main'],
  ]);
  const ports = new Map([
    ['redis', 6379],
    ['db_main', 5432],
  ]);

  it('makes interpolated and valueless variables secrets', () => {
    const out = convertEnvironment(['A=${A}', 'B', 'C=plain', 'D=$D'], names, ports);
    expect(out.secrets).toEqual(['A', 'B', 'D']);
    expect(out.env).toEqual({ C: 'plain' });
  });

  it('points host names of other services at Consul service addresses', () => {
    const out = convertEnvironment(
      { REDIS_URL: 'redis://redis:6379/0', DB_HOST: 'db_main', OTHER: 'redis://redis:7000' },
      names,
      ports,
    );
    expect(out.env).toEqual({
      REDIS_URL: 'redis://{{service.redis}}/0',
      DB_HOST: '{{service.db-main.dns}}',
      OTHER: 'redis://redis:7000',
    });
  });

  it('keeps URLs with inline credentials out of env', () => {
    const out = convertEnvironment(
      { DATABASE_URL: 'postgres://u:pw@db_main:5432/x' },
      names,
      ports,
    );
    expect(out.env).toEqual({});
    expect(out.secrets).toEqual(['DATABASE_URL']);
  });
});
