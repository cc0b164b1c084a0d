import { describe, expect, it } from 'vitest';
import { errorMessages, job, warningMessages } from './support/validate-text.js';

const T = 'job "web" > group "g" > task "t"';
const G = 'job "web" > group "g"';
const parseFails = 'Nomad would not parse this';
const rejected = 'Nomad would reject this job';

describe('attribute names', () => {
  it('rejects an unknown argument, as jobspec2 does ("Unsupported argument")', async () => {
    expect(await errorMessages(job({ task: '      drivr = "docker"' }))).toEqual([
      `${T}: unsupported argument "drivr" — ${parseFails}`,
    ]);
  });

  it('rejects an unknown block ("Unsupported block type")', async () => {
    expect(await errorMessages(job({ group: '    sidecar {\n      x = 1\n    }' }))).toEqual([
      `${G}: unsupported block type "sidecar" — ${parseFails}`,
    ]);
  });

  it('rejects top-level variable and locals: they must be pre-evaluated', async () => {
    const messages = await errorMessages(
      `variable "x" {\n  default = 1\n}\nlocals {\n  y = 2\n}\n${job()}`,
    );
    expect(messages).toHaveLength(2);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\(file\): "variable" is not supported here: HCL2 input variable/),
        expect.stringMatching(
          /^\(file\): "locals" is not supported here: HCL2 locals; pre-evaluate/,
        ),
      ]),
    );
  });

  it('rejects a file without a job, or with two', async () => {
    expect(await errorMessages('')).toEqual([`(file): missing "job" block — ${parseFails}`]);
    expect(await errorMessages(job() + job().replace('job "web"', 'job "api"'))).toEqual([
      `(file): duplicate "job" block: a file holds one job — ${parseFails}`,
    ]);
  });
});

describe('attribute types', () => {
  it.each([
    [
      'a string given an object',
      { task: '      user = { a = "b" }' },
      `${T}: "user" must be a string, got an object`,
    ],
    [
      'a number given a word',
      { group: '    count = "two"' },
      `${G}: "count" must be a number, got "two"`,
    ],
    [
      'an integer given a fraction',
      { group: '    count = 1.5' },
      `${G}: "count" must be a whole number, got 1.5`,
    ],
    [
      'a bool given a word',
      { task: '      leader = "yes"' },
      `${T}: "leader" must be true or false, got "yes"`,
    ],
    [
      'a duration given prose',
      { task: '      kill_timeout = "10 seconds"' },
      `${T}: "kill_timeout" must be a duration such as "10s" or "1m30s", got "10 seconds"`,
    ],
    [
      'a list given a string',
      { job: '  datacenters = "dc1"' },
      'job "web": "datacenters" must be a list, got "dc1"',
    ],
    [
      'a map given a string',
      { group: '    network {\n      cni {\n        args = "x"\n      }\n    }' },
      `${G} > network > cni: "args" must be a map, got "x"`,
    ],
    [
      'a number given an expression',
      { group: '    count = "${meta.count}"' },
      `${G}: "count" must be a number, got the expression "\${meta.count}" (render a literal value)`,
    ],
  ])('rejects %s', async (_, parts, expected) => {
    expect(await errorMessages(job(parts))).toEqual([`${expected} — ${parseFails}`]);
  });

  it('accepts the conversions HCL makes: numbers and bools as strings, numeric and bool strings', async () => {
    const text = job({
      group: '    count = "2"',
      task: '      user = 1000\n      leader = "true"\n      kill_timeout = "1m30s"\n      shutdown_delay = 5000000000',
    });
    expect(await errorMessages(text)).toEqual([]);
  });

  it('accepts Nomad runtime interpolation wherever a string goes', async () => {
    const text = job({
      job: '  constraint {\n    attribute = "${attr.kernel.name}"\n    value = "linux"\n  }',
      task: '      user = "${meta.user}"\n      env {\n        PORT = "${NOMAD_PORT_http}"\n      }',
    });
    expect(await errorMessages(text)).toEqual([]);
  });
});

describe('enums, ranges, patterns and lengths', () => {
  it('rejects a value outside the enum and cites where Nomad enforces it', async () => {
    expect(await errorMessages(job({ job: '  type = "daemon"' }))).toEqual([
      'job "web": "type" must be one of "service", "batch", "system", "sysbatch", got "daemon" — ' +
        `${rejected} (nomad/structs/structs.go Job.Validate (JobType* constants; "_core" is internal))`,
    ]);
  });

  it('says when the parser enforces the enum', async () => {
    const messages = await errorMessages(
      job({ group: '    scaling {\n      max = 3\n      type = "vertical"\n    }' }),
    );
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(
      /^job "web" > group "g" > scaling: "type" must be one of "horizontal", got "vertical" — Nomad would not parse this/,
    );
  });

  it.each([
    ['below min', { group: '    count = -1' }, `${G}: "count" must be at least 0, got -1`],
    [
      'above max',
      { group: '    affinity {\n      attribute = "${node.class}"\n      weight = 101\n    }' },
      `${G} > affinity: "weight" must be at most 100, got 101`,
    ],
    [
      'a list item above max',
      {
        group:
          '    service {\n      connect {\n        sidecar_service {\n          proxy {\n            transparent_proxy {\n              exclude_outbound_ports = [80, 70000]\n            }\n          }\n        }\n      }\n    }',
      },
      `${G} > service > connect > sidecar_service > proxy > transparent_proxy: "exclude_outbound_ports"[1] must be at most 65535, got 70000`,
    ],
    [
      'a duration below its minimum',
      {
        group:
          '    service {\n      provider = "nomad"\n      check {\n        type = "tcp"\n        port = "http"\n        interval = "500ms"\n        timeout = "2s"\n      }\n    }',
      },
      `${G} > service > check: "interval" must be at least 1s, got "500ms"`,
    ],
    [
      'a pattern mismatch',
      {
        task: '      template {\n        data = "x"\n        destination = "local/x"\n        perms = "999"\n      }',
      },
      `${T} > template: "perms" does not match ^[0-7]{1,4}$: "999"`,
    ],
    [
      'a string over its maximum length',
      {
        group: `    service {\n      provider = "nomad"\n      check {\n        type = "tcp"\n        port = "http"\n        interval = "10s"\n        timeout = "2s"\n        notes = "${'n'.repeat(256)}"\n      }\n    }`,
      },
      `${G} > service > check: "notes" is longer than 255 characters`,
    ],
  ])('rejects %s', async (_, parts, expected) => {
    expect(await errorMessages(job(parts))).toEqual([`${expected} — ${rejected}`]);
  });

  it('checks block labels against their pattern and forbidden names', async () => {
    const messages = await errorMessages(
      job().replace('job "web"', 'job "my web"').replace('task "t"', 'task "alloc"'),
    );
    expect(messages).toEqual([
      `job "my web": label "my web" does not match ^[^ \\u0000]+$ — ${rejected}`,
      `job "my web" > group "g" > task "alloc": label "alloc" is not allowed here — ${rejected}`,
    ]);
  });
});

describe('required attributes', () => {
  it('says when the parser requires it', async () => {
    expect(
      await errorMessages(job({ task: '      lifecycle {\n        sidecar = true\n      }' })),
    ).toEqual([
      `${T} > lifecycle: missing required "hook" — ${parseFails} (api/tasks.go TaskLifecycle tag hcl:"hook" ` +
        '(attr kind, non-pointer => required by gohcl) + TaskLifecycleConfig.Validate)',
    ]);
  });

  it('says when the server requires it', async () => {
    const messages = await errorMessages(
      job({ task: '      artifact {\n        destination = "local/"\n      }' }),
    );
    expect(messages).toEqual([
      `${T} > artifact: missing required "source" — ${rejected} ` +
        '(nomad/structs/structs.go TaskArtifact.Validate ("source must be specified"))',
    ]);
  });

  it('treats null as missing', async () => {
    expect(await errorMessages(job().replace('driver = "docker"', 'driver = null'))).toEqual([
      expect.stringMatching(/task "t": missing required "driver" — Nomad would reject this job/),
    ]);
  });
});

describe('warnings', () => {
  it('warns about Enterprise-only values, and not about the CE default', async () => {
    expect(
      await warningMessages(job({ task: '      vault {\n        cluster = "other"\n      }' })),
    ).toEqual([
      `${T} > vault: "cluster": value other than "default"; CE nomad/job_endpoint_hook_vault_ce.go — only Nomad Enterprise accepts this`,
    ]);
    expect(
      await warningMessages(job({ task: '      vault {\n        cluster = "default"\n      }' })),
    ).toEqual([]);
  });

  it('warns about deprecated attributes', async () => {
    expect(await warningMessages(job({ group: '    max_client_disconnect = "1h"' }))).toEqual([
      `${G}: "max_client_disconnect": Deprecated in Nomad 1.8, ignored since 1.10; use disconnect.lost_after (api/tasks.go) — deprecated`,
    ]);
  });
});
