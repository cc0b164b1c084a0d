import { describe, expect, it } from 'vitest';
import { renderCloudInit, roles, type RoleName } from './cloud-init-render.js';
import { at } from './terraform-tree.js';

const roleNames = Object.keys(roles) as RoleName[];
const previewToken = roles.previewClient.values.consul_agent_token;

describe.each(roleNames)('ACLs in the cloud-init of a %s', (role) => {
  it('turn on Consul ACLs with default deny, and Nomad ACLs', async () => {
    const { hcl } = await renderCloudInit(role);
    const consul = await hcl('/etc/consul.d/consul.hcl');
    expect(at(consul, 'acl', 0)).toMatchObject({
      enabled: true,
      default_policy: 'deny',
      enable_token_persistence: true,
    });
    const nomad = await hcl('/etc/nomad.d/nomad.hcl');
    expect(at(nomad, 'acl', 0)).toEqual({ enabled: true });
  });
});

describe('a preview node', () => {
  it("uses its own Consul token for its Consul agent and its Nomad client's Consul calls", async () => {
    const { hcl } = await renderCloudInit('previewClient');
    const consul = await hcl('/etc/consul.d/consul.hcl');
    expect(at(consul, 'acl', 0, 'tokens', 0)).toEqual({ agent: previewToken });
    const nomad = await hcl('/etc/nomad.d/nomad.hcl');
    expect(at(nomad, 'consul', 0)).toEqual({
      address: '127.0.0.1:8500',
      token: previewToken,
      auto_advertise: false,
      client_auto_join: false,
    });
  });

  it('lets Docker mount no host path and run no privileged container', async () => {
    const { hcl } = await renderCloudInit('previewClient');
    const nomad = await hcl('/etc/nomad.d/nomad.hcl');
    expect(at(nomad, 'plugin', 'docker', 0, 'config', 0)).toEqual({
      volumes: [{ enabled: false }],
      allow_privileged: false,
    });
  });

  it("keeps containers away from Hetzner's metadata service (its user data holds the token)", async () => {
    const { file } = await renderCloudInit('previewClient');
    const dropIn = file('/etc/systemd/system/docker.service.d/prenv-no-metadata.conf');
    expect(dropIn).toMatch(
      /^ExecStartPost=.*iptables -I DOCKER-USER -d 169\.254\.169\.254 -j REJECT/m,
    );
  });
});

describe.each(['productionEntryServer', 'stagingServer', 'productionClient'] as const)(
  'a %s',
  (role) => {
    it('carries no token in its user data: it gets one after the ACL bootstrap', async () => {
      const { hcl, text } = await renderCloudInit(role);
      const consul = await hcl('/etc/consul.d/consul.hcl');
      expect(at(consul, 'acl', 0)).not.toHaveProperty('tokens');
      const nomad = await hcl('/etc/nomad.d/nomad.hcl');
      expect(at(nomad, 'consul', 0)).toEqual({ address: '127.0.0.1:8500' });
      expect(text).not.toContain('169.254.169.254');
    });
  },
);
