import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../cli/run-cli.js';

// Strings a YAML 1.1 reader (Compose, older tooling) takes for a boolean, a number, null or a
// date when written plain, though YAML 1.2 reads them as strings; and strings both read as
// something else. What `prenv init` writes must read back as the same string in both.
const AMBIGUOUS = [
  ...['yes', 'no', 'on', 'off', 'y', 'n', 'Y', 'N', 'Yes', 'NO', 'On', 'OFF', 'true', 'False'],
  ...['~', 'null', 'Null', 'NULL', ''],
  ...['0755', '007', '1e3', '12e03', '0x1F', '0o17', '0b101', '1_000', '1__0', '+12', '-0'],
  ...['.5', '1.', '3.14', '.inf', '-.Inf', '.NaN', '1:30', '190:20:30', '-1:30'],
  ...['2001-12-14', '2001-12-14t21:59:43.10-05:00', '2001-12-14 21:59:43.10 -5'],
  ...['=', '<<', '- x', 'a: b', '#c', ' padded ', '!tag', '&anchor', '*alias', '@x'],
];

const variable = (i: number) => `V${String(i).padStart(2, '0')}`;

describe('prenv init writes strings every YAML version reads as strings', () => {
  it('round-trips each value through a 1.1 and a 1.2 reader', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'prenv-init-compat-'));
    const environment = Object.fromEntries(AMBIGUOUS.map((value, i) => [variable(i), value]));
    // JSON is YAML: each value reaches the Compose reader as exactly this string.
    const compose = {
      services: {
        web: {
          image: 'ghcr.io/acme/web:1.0',
          ports: ['8080:8080'],
          environment,
          command: ['serve', 'yes', '0755', 'off'],
        },
      },
    };
    writeFileSync(path.join(dir, 'docker-compose.yml'), JSON.stringify(compose, null, 2));
    const out = path.join(dir, 'prenv.yml');
    const run = await runCli(['init', '--from-compose', 'docker-compose.yml', '--out', out], {
      cwd: dir,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const text = readFileSync(out, 'utf8');

    for (const version of ['1.1', '1.2'] as const) {
      const read = parse(text, { version }) as {
        services: { web: { env: Record<string, unknown>; command?: unknown; args?: unknown } };
      };
      const { web } = read.services;
      const got = AMBIGUOUS.map((_, i) => web.env[variable(i)]);
      expect({ version, got }).toEqual({ version, got: AMBIGUOUS });
      expect({ version, line: [web.command, ...(web.args as unknown[])] }).toEqual({
        version,
        line: ['serve', 'yes', '0755', 'off'],
      });
    }
  });
});
