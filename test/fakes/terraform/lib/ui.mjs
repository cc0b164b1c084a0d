// Terraform's machine-readable UI lines (`-json`) and its plain `-no-color` diagnostics.

export const TF_VERSION = '1.9.8';
export const UI_VERSION = '1.2';

export function createUi({ json }) {
  const write = (type, level, message, fields = {}) => {
    if (!json) {
      if (type === 'diagnostic') {
        plainDiagnostic(fields.diagnostic);
      } else if (type !== 'version') {
        process.stdout.write(`${message}\n`);
      }
      return;
    }
    const line = {
      '@level': level,
      '@message': message,
      '@module': 'terraform.ui',
      '@timestamp': new Date().toISOString(),
      ...fields,
      type,
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  };

  return {
    version: () =>
      write('version', 'info', `Terraform ${TF_VERSION}`, {
        terraform: TF_VERSION,
        ui: UI_VERSION,
      }),
    log: (message) => write('log', 'info', message),
    hook: (type, message, hook) => write(type, 'info', message, { hook }),
    change: (type, message, change) => write(type, 'info', message, { change }),
    summary: (message, changes) => write('change_summary', 'info', message, { changes }),
    outputs: (outputs) =>
      write('outputs', 'info', `Outputs: ${Object.keys(outputs).length}`, { outputs }),
    diagnostic: (diagnostic) =>
      write(
        'diagnostic',
        diagnostic.severity === 'error' ? 'error' : 'warn',
        `${title(diagnostic)}`,
        {
          diagnostic,
        },
      ),
  };
}

function title(d) {
  return `${d.severity === 'error' ? 'Error' : 'Warning'}: ${d.summary}`;
}

/** How Terraform prints a diagnostic to stderr with `-no-color`. */
export function plainDiagnostic(d) {
  const detail = d.detail ? `\n${d.detail}\n` : '';
  const where = d.address ? `\n  with ${d.address},\n  on main.tf line 1\n` : '';
  process.stderr.write(`\n${title(d)}\n${where}${detail}\n`);
}

/** A diagnostic tied to a resource block, shaped like Terraform's JSON diagnostics. */
export function resourceDiagnostic(summary, detail, address) {
  const { type, name } = parseAddress(address);
  const code = `resource "${type}" "${name}" {`;
  return {
    severity: 'error',
    summary,
    detail,
    address,
    range: {
      filename: 'main.tf',
      start: { line: 1, column: 1, byte: 0 },
      end: { line: 1, column: code.length, byte: code.length - 1 },
    },
    snippet: {
      context: null,
      code,
      start_line: 1,
      highlight_start_offset: 0,
      highlight_end_offset: code.length - 1,
      values: [],
    },
  };
}

export function plainError(summary, detail = '') {
  return { severity: 'error', summary, detail };
}

/** `module.preview.hcloud_server.client[0]` → its parts, as Terraform's resource object. */
export function parseAddress(addr) {
  const m = /^((?:module\.[a-z0-9_-]+\.)*)([a-z0-9_]+)\.([a-z0-9_]+)(?:\[(\d+)\])?$/.exec(addr);
  if (!m) throw new Error(`fake terraform cannot parse address ${addr}`);
  return {
    module: m[1].replace(/\.$/, ''),
    type: m[2],
    name: m[3],
    key: m[4] === undefined ? null : Number(m[4]),
  };
}

export function resourceObject(addr) {
  const a = parseAddress(addr);
  return {
    addr,
    module: a.module,
    resource: a.module ? addr.slice(a.module.length + 1) : addr,
    implied_provider: 'hcloud',
    resource_type: a.type,
    resource_name: a.name,
    resource_key: a.key,
  };
}
