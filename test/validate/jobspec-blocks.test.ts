import { describe, expect, it } from 'vitest';
import { errorMessages, job, validateHcl } from './support/validate-text.js';

const T = 'job "web" > group "g" > task "t"';
const G = 'job "web" > group "g"';
const parseFails = 'Nomad would not parse this';
const startFails = 'the task would fail to start';
const driverSource =
  '(driver hclspec NewAttr(..., required=true); enforced when the client decodes the task config (task fails to start))';

function withConfig(driver: string, config: string, task = ''): string {
  return job({ task }).replace(
    '      driver = "docker"\n      config {\n        image = "nginx:1.27"\n      }',
    `      driver = "${driver}"\n      config {\n${config}\n      }`,
  );
}

describe('repeatable blocks', () => {
  it('rejects a second non-repeatable block', async () => {
    const text = job({
      group: '    update {\n      canary = 1\n    }\n    update {\n      canary = 2\n    }',
    });
    expect(await errorMessages(text)).toEqual([
      `${G}: duplicate "update" block: only one is allowed — ${parseFails}`,
    ]);
  });

  it('accepts repeated repeatable blocks and numbers them in paths', async () => {
    const service = (port: string) =>
      `    service {\n      provider = "nomad"\n      port = "${port}"\n      check {\n        type = "tcp"\n        interval = "10s"\n      }\n    }`;
    const messages = await errorMessages(job({ group: `${service('a')}\n${service('b')}` }));
    expect(messages).toEqual([
      expect.stringMatching(
        /^job "web" > group "g" > service\[0\] > check: missing required "timeout"/,
      ),
      expect.stringMatching(
        /^job "web" > group "g" > service\[1\] > check: missing required "timeout"/,
      ),
    ]);
  });
});

describe('block labels and shapes', () => {
  it('rejects a block without its label', async () => {
    expect(await errorMessages(job().replace('task "t"', 'task'))).toEqual([
      `${G}: block "task" needs 1 label — ${parseFails}`,
      expect.stringMatching(/group "g": group needs at least one task/),
    ]);
  });

  it('rejects a label on a block that takes none', async () => {
    expect(
      await errorMessages(job({ group: '    restart "x" {\n      attempts = 1\n    }' })),
    ).toEqual([`${G}: block "restart" takes no labels — ${parseFails}`]);
  });

  it('rejects a block written as an argument', async () => {
    expect(await errorMessages(job({ group: '    restart = { attempts = 1 }' }))).toEqual([
      `${G}: "restart" must be written as a block (restart { ... }), not as an argument — ${parseFails}`,
    ]);
  });
});

describe('free-form blocks', () => {
  it('accepts meta and env as blocks or as attributes (alsoAttribute)', async () => {
    const text = job({
      job: '  meta = { "team.name" = "web" }',
      group: '    meta {\n      tier = "front"\n    }',
      task: '      env = { "A.B" = "1" }\n      meta {\n        n = 3\n      }',
    });
    expect(await errorMessages(text)).toEqual([]);
  });

  it('rejects the attribute form where only the block form exists', async () => {
    const text = job({
      group: '    service {\n      provider = "nomad"\n      canary_meta = { a = "b" }\n    }',
    });
    expect(await errorMessages(text)).toEqual([
      `${G} > service: "canary_meta" must be written as a block (canary_meta { ... }), not as an argument — ${parseFails}`,
    ]);
  });

  it('rejects non-string values in string maps', async () => {
    const text = job({
      task: '      env {\n        LIST = ["a"]\n      }\n      meta {\n        nested {\n          a = "b"\n        }\n      }',
    });
    expect(await errorMessages(text)).toEqual([
      `${T} > env: "LIST" must be a string, got a list — ${parseFails}`,
      `${T} > meta: "nested" must be a string, got a list — ${parseFails}`,
    ]);
  });

  it('checks the value type of list maps and lets any-maps hold anything', async () => {
    const check = (header: string) =>
      job({
        group: `    service {\n      provider = "nomad"\n      port = "http"\n      check {\n        type = "http"\n        path = "/"\n        interval = "10s"\n        timeout = "2s"\n        header {\n          ${header}\n        }\n      }\n    }\n    scaling {\n      max = 3\n      policy {\n        cooldown = "1m"\n        check "cpu" {\n          strategy "target-value" {\n            target = 70\n          }\n        }\n      }\n    }`,
      });
    expect(await errorMessages(check('X-Env = ["pr"]'))).toEqual([]);
    expect(await errorMessages(check('X-Env = "pr"'))).toEqual([
      `${G} > service > check > header: "X-Env" must be a list, got "pr" — ${parseFails}`,
    ]);
  });
});

describe('task driver config', () => {
  it('names the driver and the key of an unknown docker setting', async () => {
    expect(
      await errorMessages(
        withConfig('docker', '        image = "nginx"\n        imagee = "nginx"'),
      ),
    ).toEqual([`${T} > driver "docker" config: unsupported argument "imagee" — ${startFails}`]);
  });

  it('requires what the driver requires', async () => {
    expect(await errorMessages(withConfig('raw_exec', '        args = ["-x"]'))).toEqual([
      `${T} > driver "raw_exec" config: missing required "command" — ${startFails} ${driverSource}`,
    ]);
  });

  it('checks driver value types and enums', async () => {
    const config = '        command = "/bin/app"\n        args = "-x"';
    expect(await errorMessages(withConfig('exec', config))).toEqual([
      `${T} > driver "exec" config: "args" must be a list, got "-x" — ${startFails}`,
    ]);
    const mount =
      '        image = "redis:7"\n        mount {\n          type = "nfs"\n          target = "/data"\n        }';
    expect(await errorMessages(withConfig('docker', mount))).toEqual([
      `${T} > driver "docker" config > mount: "type" must be one of "volume", "bind", "tmpfs", got "nfs" — ${startFails}`,
    ]);
  });

  it('accepts nested docker blocks in block or attribute form', async () => {
    const config = [
      '        image = "redis:7"',
      '        ports = ["db"]',
      '        labels {\n          team = "web"\n        }',
      '        auth = { username = "u", password = "p" }',
      '        mount {\n          type = "bind"\n          source = "local/data"\n          target = "/data"\n        }',
      '        logging {\n          type = "json-file"\n          config {\n            max-size = "10m"\n          }\n        }',
    ].join('\n');
    expect(await errorMessages(withConfig('docker', config))).toEqual([]);
  });

  it('rejects unknown settings inside nested driver blocks', async () => {
    const config = '        image = "redis:7"\n        auth {\n          user = "u"\n        }';
    expect(await errorMessages(withConfig('docker', config))).toEqual([
      `${T} > driver "docker" config > auth: unsupported argument "user" — ${startFails}`,
    ]);
  });

  it('checks a task that has no config block against the driver', async () => {
    const text = job().replace('      config {\n        image = "nginx:1.27"\n      }\n', '');
    expect(await errorMessages(text)).toEqual([
      `${T} > driver "docker" config: missing required "image" — ${startFails} ${driverSource}`,
    ]);
  });

  it('leaves the config of drivers it does not know free-form', async () => {
    expect(
      await errorMessages(
        withConfig(
          'java',
          '        jar_path = "local/app.jar"\n        jvm_options = ["-Xmx256m"]',
        ),
      ),
    ).toEqual([]);
  });

  it('rejects config written as an argument', async () => {
    const text = job().replace(
      'config {\n        image = "nginx:1.27"\n      }',
      'config = { image = "nginx:1.27" }',
    );
    expect(await errorMessages(text)).toEqual([
      `${T}: "config" must be written as a block (config { ... }), not as an argument — ${parseFails}`,
    ]);
  });
});

describe('issue fields', () => {
  it('carries severity, stage, path and key separately from the message', async () => {
    const { errors } = await validateHcl(job({ task: '      drivr = "docker"' }));
    expect(errors).toEqual([
      {
        severity: 'error',
        stage: 'parse',
        path: T,
        key: 'drivr',
        detail: 'unsupported argument "drivr"',
        message: `${T}: unsupported argument "drivr" — ${parseFails}`,
      },
    ]);
  });
});
