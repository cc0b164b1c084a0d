import { describe, expect, it } from 'vitest';
import { validateJobspec } from '../../generators/validate/jobspec.js';
import { schema } from './support/validate-text.js';

function apiJob(task: Record<string, unknown> = {}, group: Record<string, unknown> = {}) {
  return {
    Job: {
      ID: 'web',
      Name: 'web',
      Type: 'service',
      Status: null,
      CreateIndex: 0,
      TaskGroups: [
        {
          Name: 'g',
          Count: 2,
          Volumes: { data: { Type: 'host', Source: 'data' } },
          Networks: [{ Mode: 'bridge', DynamicPorts: [{ Label: 'http', Value: 0, To: 8080 }] }],
          Tasks: [
            {
              Name: 't',
              Driver: 'docker',
              Config: { image: 'nginx:1.27', ports: ['http'] },
              KillTimeout: 5_000_000_000,
              VolumeMounts: [{ Volume: 'data', Destination: '/data' }],
              Env: { A: 'b' },
              ...task,
            },
          ],
          ...group,
        },
      ],
    },
  };
}

const messages = (json: unknown) => validateJobspec(json, schema).errors.map((e) => e.message);

describe('API JSON ({"Job": {...}} with Go field names)', () => {
  it('accepts a valid job: labels from Name/ID/Label and map keys, durations in nanoseconds', () => {
    expect(messages(apiJob())).toEqual([]);
  });

  it('runs the same checks as for HCL', () => {
    expect(messages(apiJob({ Driver: null, KillTimeout: 'soon' }))).toEqual([
      expect.stringContaining(
        'job "web" > group "g" > task "t": missing required "driver" — Nomad would reject this job',
      ),
      'job "web" > group "g" > task "t": "kill_timeout" must be a duration such as "10s" or "1m30s", got "soon" — Nomad would not parse this',
    ]);
    expect(messages(apiJob({ VolumeMounts: [{ Volume: 'other' }] }))).toEqual([
      expect.stringContaining(
        'volume_mount.volume must name a volume declared in the group (volume = "other"; declared: "data")',
      ),
    ]);
  });

  it('reports keys that Nomad would silently ignore, with the right spelling when only the case differs', () => {
    expect(messages(apiJob({ driver: 'exec', Imagee: 'x' }))).toEqual([
      'job "web" > group "g" > task "t": unknown field "driver" (did you mean "Driver"?) — Nomad\'s HTTP API would silently ignore it',
      'job "web" > group "g" > task "t": unknown field "Imagee" — Nomad\'s HTTP API would silently ignore it',
    ]);
  });

  it('checks the driver config', () => {
    expect(messages(apiJob({ Config: { imagee: 'x' } }))).toEqual([
      'job "web" > group "g" > task "t" > driver "docker" config: unsupported argument "imagee" — the task would fail to start',
      expect.stringContaining('driver "docker" config: missing required "image"'),
    ]);
  });

  it('skips unknown keys that carry no value (server-side fields)', () => {
    expect(messages(apiJob({ Stop: false, ParentID: '' }, { StopAfterClient: null }))).toEqual([]);
  });
});
