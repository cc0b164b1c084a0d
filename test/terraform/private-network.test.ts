import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { terraformEvaluate, terraformTemplatefile } from '../support/terraform-cli.js';
import { repoRoot, requireTool } from '../support/tools.js';
import {
  networkIpRange,
  privateAddressLocals,
  renderCloudInit,
  roles,
  type RoleName,
} from './cloud-init-render.js';
import { at } from './terraform-tree.js';

// Hetzner's firewall filters public interfaces only, and the private NIC is not the default
// route: every address Consul and Nomad bind, advertise or publish ports on must be the
// node's private one (Nomad client.network_interface, Consul bind_addr/advertise_addr).
const roleNames = Object.keys(roles) as RoleName[];
const scratch = mkdtempSync(path.join(tmpdir(), 'prenv-private-net-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the private-address templates of the module', () => {
  it('pick the address, and its interface, inside network_ip_range', async () => {
    const { private_address, private_interface } = await privateAddressLocals('10.8.0.0/16');
    expect(private_address).toBe(
      '{{ GetPrivateInterfaces | include "network" "10.8.0.0/16" | attr "address" }}',
    );
    expect(private_interface).toBe(
      '{{ GetPrivateInterfaces | include "network" "10.8.0.0/16" | attr "name" }}',
    );
  });
});

describe.each(roleNames)('cloud-init of a %s', (role) => {
  it('pins Consul to the private address', async () => {
    const { hcl, privateAddress } = await renderCloudInit(role);
    const consul = await hcl('/etc/consul.d/consul.hcl');
    expect(consul.bind_addr).toBe(privateAddress);
    expect(consul.advertise_addr).toBe(privateAddress);
    expect(consul.client_addr).toBe(`127.0.0.1 ${privateAddress}`);
    expect(consul).not.toHaveProperty('advertise_addr_wan');
  });

  it('pins Nomad, its advertised addresses and its task network to the private NIC', async () => {
    const { hcl, privateAddress } = await renderCloudInit(role);
    const { private_interface } = await privateAddressLocals();
    const nomad = await hcl('/etc/nomad.d/nomad.hcl');
    expect(nomad.bind_addr).toBe(privateAddress);
    expect(at(nomad, 'advertise', 0)).toEqual({
      http: privateAddress,
      rpc: privateAddress,
      serf: privateAddress,
    });
    // The fingerprinted NIC is where Docker publishes task ports and which address Nomad
    // registers services with in Consul (Nomad client/fingerprint/network.go).
    expect(at(nomad, 'client', 0, 'network_interface')).toBe(private_interface);
    // The HTTP API also on loopback, for the bot and `prenv tunnel`; never on every address.
    expect(at(nomad, 'addresses', 0, 'http')).toBe(`127.0.0.1 ${privateAddress}`);
  });

  it('names no wildcard or public address in the agent configs', async () => {
    const { file } = await renderCloudInit(role);
    for (const p of ['/etc/consul.d/consul.hcl', '/etc/nomad.d/nomad.hcl']) {
      const text = file(p);
      expect(text).not.toMatch(
        /(?<![\d.])0\.0\.0\.0|\[::\]|GetPublic|GetDefaultInterfaces|GetAllInterfaces/,
      );
    }
  });

  it('waits for the private address before it starts Consul and Nomad, also after a reboot', async () => {
    const { file } = await renderCloudInit(role);
    const bootstrap = file('/usr/local/sbin/prenv-bootstrap');
    const wait = bootstrap.indexOf('/usr/local/sbin/prenv-wait-private-address');
    expect(wait).toBeGreaterThan(-1);
    for (const unit of ['consul', 'nomad']) {
      expect(bootstrap.indexOf(`systemctl enable --now ${unit}`)).toBeGreaterThan(wait);
      const dropIn = file(`/etc/systemd/system/${unit}.service.d/prenv-private-network.conf`);
      expect(dropIn).toMatch(/^ExecStartPre=\/usr\/local\/sbin\/prenv-wait-private-address$/m);
      expect(dropIn).toMatch(/^After=network-online\.target$/m);
    }
    expect(file('/usr/local/sbin/prenv-wait-private-address')).toContain(
      `ip -4 -o addr show to ${networkIpRange}`,
    );
  });
});

/**
 * Runs `script` with sh in a network namespace of its own (`unshare -rn`: no privileges
 * needed), whose loopback carries `addresses`: a node with a private and a public address,
 * without touching the machine's network.
 */
async function inNetns(addresses: string[], script: string, timeoutMs = 30_000) {
  const setup = ['ip link set lo up', ...addresses.map((a) => `ip addr add ${a} dev lo`)];
  const r = await execa('unshare', ['-rn', 'sh', '-c', [...setup, script].join('\n')], {
    reject: false,
    timeout: timeoutMs,
  });
  if (/unshare: /.test(r.stderr))
    throw new Error(`these tests need unprivileged network namespaces (unshare -rn): ${r.stderr}`);
  return r;
}

describe('the rendered files, run for real', () => {
  it('the wait script prints the private address, and fails in bounded time without one', async () => {
    const { file } = await renderCloudInit('previewClient');
    const script = path.join(scratch, 'wait');
    writeFileSync(script, file('/usr/local/sbin/prenv-wait-private-address'), { mode: 0o755 });

    const found = await inNetns(['10.0.1.7/24', '95.216.0.7/32'], script);
    expect(found.stdout.trim()).toBe('10.0.1.7');
    expect(found.exitCode).toBe(0);

    const missing = await inNetns(['95.216.0.7/32'], `PRENV_WAIT_SECONDS=0 ${script}`);
    expect(missing.exitCode).toBe(1);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toContain(`no address in ${networkIpRange}`);
  });

  it("a preview node's rendered Consul agent joins an ACL server, and its token registers its PR's services at its private address", async () => {
    const consul = requireTool('consul');
    const master = 'b1c4d8e2-0f3a-4b5c-8d9e-7a6b5c4d3e2f';
    const nodeToken = '6a1f2f9e-3c55-4c1e-9d4b-0c7f1e2d3a4b';
    const policy = await terraformTemplatefile(
      path.join(repoRoot, 'terraform', 'acl', 'consul', 'preview-node.hcl.tftpl'),
      (await terraformEvaluate(
        [path.join(repoRoot, 'terraform', 'environments', 'pr', 'acl-names.tf')],
        { project: 'aipacto', pr_number: '7' },
        'local.preview_acl_prefixes',
      )) as Record<string, unknown>,
    );
    // The server sits outside network_ip_range: on a real preview node the private address is
    // the only one in it, and this namespace holds both agents.
    const { file } = await renderCloudInit('previewClient', {
      consul_agent_token: nodeToken,
      join_ips: ['10.1.0.10'],
    });
    const dir = mkdtempSync(path.join(scratch, 'join-'));
    writeFileSync(path.join(dir, 'client.hcl'), file('/etc/consul.d/consul.hcl'));
    writeFileSync(
      path.join(dir, 'policy.json'),
      JSON.stringify({ Name: 'pr-7-aipacto', Rules: policy }),
    );
    writeFileSync(
      path.join(dir, 'token.json'),
      JSON.stringify({ SecretID: nodeToken, Policies: [{ Name: 'pr-7-aipacto' }] }),
    );
    for (const name of ['aipacto-pr-7-web', 'aipacto-production-web'])
      writeFileSync(path.join(dir, `${name}.json`), JSON.stringify({ Name: name, Port: 25000 }));
    const server = 'http://10.1.0.10:8500';
    const acl = `acl { enabled = true, default_policy = "deny", tokens { master = "${master}", agent = "${master}" } }`;
    const m = `-H 'X-Consul-Token: ${master}'`;
    const r = await inNetns(
      ['10.1.0.10/24', '10.0.1.7/24', '95.216.0.7/32'],
      [
        `${consul} agent -dev -node=server-1 -bind=10.1.0.10 -client=10.1.0.10 -hcl='${acl}' > ${dir}/server.log 2>&1 &`,
        'spid=$!',
        'for i in $(seq 1 100); do',
        `  curl -sf ${m} ${server}/v1/acl/policies > /dev/null 2>&1 && break`,
        '  sleep 0.2',
        'done',
        `curl -sf -X PUT ${m} --data @${dir}/policy.json ${server}/v1/acl/policy > /dev/null`,
        `curl -sf -X PUT ${m} --data @${dir}/token.json ${server}/v1/acl/token > /dev/null`,
        `${consul} agent -config-file=${dir}/client.hcl -data-dir=${dir}/data -node=pr-7-aipacto-client-1 > ${dir}/client.log 2>&1 &`,
        'cpid=$!',
        'for i in $(seq 1 100); do',
        `  curl -sf ${m} ${server}/v1/catalog/node/pr-7-aipacto-client-1 | grep -q 10.0.1.7 && break`,
        '  sleep 0.2',
        'done',
        `echo "node $(curl -s ${m} ${server}/v1/catalog/node/pr-7-aipacto-client-1 | tr -d '\\n')"`,
        'for name in aipacto-pr-7-web aipacto-production-web; do',
        `  echo "register $name $(curl -s -o /dev/null -w '%{http_code}' -X PUT -H 'X-Consul-Token: ${nodeToken}' --data @${dir}/$name.json http://127.0.0.1:8500/v1/agent/service/register)"`,
        'done',
        'for i in $(seq 1 50); do',
        `  curl -sf ${m} ${server}/v1/catalog/service/aipacto-pr-7-web | grep -q 10.0.1.7 && break`,
        '  sleep 0.2',
        'done',
        `echo "service $(curl -s ${m} ${server}/v1/catalog/service/aipacto-pr-7-web | tr -d '\\n')"`,
        'kill $spid $cpid; wait',
        `tail -n 20 ${dir}/client.log ${dir}/server.log >&2`,
      ].join('\n'),
      60_000,
    );
    const line = (prefix: string) =>
      r.stdout
        .split('\n')
        .find((l) => l.startsWith(`${prefix} `))
        ?.slice(prefix.length + 1) ?? '';
    const node = JSON.parse(line('node') || 'null') as { Node: { Address: string } } | null;
    expect(node?.Node.Address, r.stdout + r.stderr).toBe('10.0.1.7');
    expect(line('register aipacto-pr-7-web')).toBe('200');
    expect(line('register aipacto-production-web')).toBe('403');
    const services = JSON.parse(line('service') || '[]') as {
      Address: string;
      ServicePort: number;
    }[];
    expect(services.map((s) => [s.Address, s.ServicePort])).toEqual([['10.0.1.7', 25000]]);
  }, 90_000);

  it('the real Consul binds, advertises and serves HTTP on the private address only', async () => {
    const consul = requireTool('consul');
    const { file } = await renderCloudInit('previewClient');
    const config = path.join(scratch, 'consul.hcl');
    writeFileSync(config, file('/etc/consul.d/consul.hcl'));
    const data = path.join(scratch, 'consul-data');
    // Flags override the file's data_dir (root-owned on a node); nothing else is changed.
    const r = await inNetns(
      ['10.0.1.7/24', '95.216.0.7/32'],
      [
        `${consul} agent -config-file=${config} -data-dir=${data} > ${scratch}/consul.log 2>&1 &`,
        'pid=$!',
        'for i in $(seq 1 100); do',
        '  curl -sS -o /dev/null http://10.0.1.7:8500/v1/status/leader 2>/dev/null && break',
        '  sleep 0.2',
        'done',
        'for a in 10.0.1.7 127.0.0.1 95.216.0.7; do',
        '  if curl -sS -m 2 -o /dev/null http://$a:8500/v1/status/leader 2>/dev/null; then echo "http $a open"; else echo "http $a closed"; fi',
        'done',
        'kill $pid; wait $pid 2>/dev/null',
        `cat ${scratch}/consul.log`,
      ].join('\n'),
    );
    expect(r.stdout).toContain('http 10.0.1.7 open');
    expect(r.stdout).toContain('http 127.0.0.1 open');
    expect(r.stdout).toContain('http 95.216.0.7 closed');
    expect(r.stdout).toMatch(/Cluster Addr: 10\.0\.1\.7 \(LAN: 8301/);
    expect(r.stdout).toMatch(/Client Addr: \[127\.0\.0\.1 10\.0\.1\.7\]/);
  }, 60_000);
});
