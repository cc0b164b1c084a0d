import { describe, expect, it } from 'vitest';
import { at, moduleDir, parseDir } from './terraform-tree.js';

interface Rule {
  firewall: string;
  direction: unknown;
  protocol: unknown;
  port: unknown;
  source_ips: unknown;
}

/** Every rule of every hcloud_firewall in the module, static or `dynamic "rule"` content. */
async function firewallRules(): Promise<Rule[]> {
  const body = await parseDir(moduleDir);
  const firewalls = at(body, 'resource', 'hcloud_firewall') as Record<string, unknown[]>;
  const rules: Rule[] = [];
  for (const [name, [fw]] of Object.entries(firewalls)) {
    const f = fw as { rule?: Rule[]; dynamic?: { rule?: { content: Rule[] }[] } };
    for (const r of f.rule ?? []) rules.push({ ...r, firewall: name });
    for (const d of f.dynamic?.rule ?? [])
      for (const r of d.content) rules.push({ ...r, firewall: name });
  }
  return rules;
}

const anywhere = ['0.0.0.0/0', '::/0'];

// Hetzner firewalls filter public interfaces only: these rules are exactly what may reach a
// node from the Internet. Nomad, Consul and task ports travel on the private network.
describe('Hetzner firewall rules', () => {
  it('open SSH from the admin CIDRs, ICMP, and 80/443 on entry firewalls, nothing else', async () => {
    const rules = await firewallRules();
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(rule.direction, JSON.stringify(rule)).toBe('in');
      const what = `${String(rule.protocol)}/${String(rule.port ?? '')}`;
      if (what === 'tcp/22') {
        expect(rule.source_ips).toBe('${var.ssh_allowed_cidrs}');
      } else if (what === 'icmp/') {
        expect(rule.source_ips).toEqual(anywhere);
      } else {
        expect(['tcp/80', 'tcp/443', 'udp/443'], JSON.stringify(rule)).toContain(what);
        expect(rule.firewall, 'web ports belong on the entry firewall only').not.toBe('nodes');
      }
    }
  });

  it('open none of the Nomad, Consul or dynamic task ports', async () => {
    const clusterPorts = [4646, 4647, 4648, 8300, 8301, 8302, 8500, 8600, 20000, 31999];
    for (const rule of await firewallRules()) {
      const port = String(rule.port ?? '');
      const [low, high] = port.split('-').map(Number) as [number, number | undefined];
      for (const p of clusterPorts) expect(p >= low && p <= (high ?? low), port).toBe(false);
    }
  });
});
