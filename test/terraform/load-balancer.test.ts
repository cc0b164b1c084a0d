import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { terraformEvaluate } from '../support/terraform-cli.js';
import { at, environmentDir, moduleDir, parseDir, type HclBody } from './terraform-tree.js';

// The entry: a Hetzner Load Balancer in front of Caddy on every entry node (hcloud provider
// 1.49: hcloud_load_balancer, _network, _target, _service, hcloud_managed_certificate).
let mod: HclBody;
const resource = (type: string, name: string) =>
  at(mod, 'resource', type, name, 0) as Record<string, unknown>;
/** `${expr}` as hcl2json renders an attribute → `expr`. */
const expr = (rendered: unknown) => String(rendered).replace(/^\$\{([^]*)\}$/, '$1');

beforeAll(async () => {
  mod = await parseDir(moduleDir);
});

/** What Terraform itself makes of the entry's counts for these module inputs. */
async function counts(inputs: {
  entry: boolean;
  load_balancer: boolean;
  certificate_domains: string[];
  server_count: number;
}) {
  const text = readFileSync(path.join(moduleDir, 'load-balancer.tf'), 'utf8');
  const locals = /^locals \{[^]*?^\}/m.exec(text)?.[0];
  if (!locals) throw new Error('no locals block in load-balancer.tf');
  const vars = Object.entries(inputs)
    .map(([k, v]) => `variable "${k}" {\n  default = ${JSON.stringify(v)}\n}`)
    .join('\n');
  // The variables with these values and the file's locals: nothing that needs a provider.
  const dir = mkdtempSync(path.join(tmpdir(), 'prenv-lb-'));
  const file = path.join(dir, 'entry.tf');
  writeFileSync(file, `${vars}\n${locals}\n`);
  const expressions = [
    expr(resource('hcloud_load_balancer', 'entry').count),
    expr(resource('hcloud_load_balancer_network', 'entry').count),
    expr(resource('hcloud_managed_certificate', 'entry').count),
    expr(resource('hcloud_load_balancer_target', 'entry').count),
    expr(resource('hcloud_load_balancer_service', 'https').count),
    expr(resource('hcloud_load_balancer_service', 'tcp').for_each),
  ];
  let values: unknown;
  try {
    values = await terraformEvaluate([file], {}, `[${expressions.join(', ')}]`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const [lb, network, cert, targets, https, tcp] = values as [
    number,
    number,
    number,
    number,
    number,
    string[],
  ];
  return { lb, network, cert, targets, https, tcp };
}

describe('the entry load balancer', () => {
  it.each([
    [
      'TLS at the load balancer: every entry node is a target, one managed certificate',
      {
        entry: true,
        load_balancer: true,
        server_count: 3,
        certificate_domains: ['a.com', '*.pr.a.com'],
      },
      { lb: 1, network: 1, cert: 1, targets: 3, https: 1, tcp: [] },
    ],
    [
      'TLS at Caddy: TCP 80 and 443 passed through to the first entry node only',
      { entry: true, load_balancer: true, server_count: 3, certificate_domains: [] },
      { lb: 1, network: 1, cert: 0, targets: 1, https: 0, tcp: ['443', '80'] },
    ],
    [
      'no load balancer for a preview node',
      { entry: false, load_balancer: true, server_count: 0, certificate_domains: [] },
      { lb: 0, network: 0, cert: 0, targets: 0, https: 0, tcp: [] },
    ],
  ])('%s', async (_name, inputs, expected) => {
    expect(await counts(inputs)).toEqual(expected);
  });

  it('reaches Caddy over the private network: HTTPS ends at the balancer, HTTP to :80', () => {
    expect(resource('hcloud_load_balancer_target', 'entry')).toMatchObject({
      type: 'server',
      use_private_ip: true,
    });
    const https = resource('hcloud_load_balancer_service', 'https');
    expect(https).toMatchObject({ protocol: 'https', listen_port: 443, destination_port: 80 });
    expect(at(https, 'http', 0)).toMatchObject({
      redirect_http: true,
      certificates: ['${hcloud_managed_certificate.entry[0].id}'],
    });
    expect(at(https, 'health_check', 0)).toMatchObject({ protocol: 'tcp', port: 80 });
  });

  it('closes 80/443 on the nodes when the balancer is in front', () => {
    expect(String(resource('hcloud_firewall', 'entry').count)).toBe(
      '${var.entry && !var.load_balancer ? 1 : 0}',
    );
  });

  it.each(['production', 'staging'] as const)(
    '%s puts its entry behind it, exports load_balancer_ip and points DNS there',
    async (env) => {
      const body = await parseDir(environmentDir(env));
      expect(at(body, 'module', 'cluster', 0)).toMatchObject({
        entry: true,
        load_balancer: true,
        certificate_domains: '${var.tls_domains}',
      });
      expect(at(body, 'output', 'load_balancer_ip', 0, 'value')).toBe(
        '${module.cluster.load_balancer_ip}',
      );
      expect(String(at(mod, 'output', 'entry_public_ips', 0, 'value'))).toMatch(
        /^\$\{local\.load_balancer \? \[hcloud_load_balancer\.entry\[0\]\.ipv4\]/,
      );
    },
  );
});
