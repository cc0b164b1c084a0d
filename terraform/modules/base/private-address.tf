# Where Consul and Nomad listen, advertise and publish task ports: the node's
# address inside the private network, never the public one. These are
# go-sockaddr templates (github.com/hashicorp/go-sockaddr/template) that both
# agents resolve when they start: Consul's bind_addr/advertise_addr/client_addr
# and Nomad's bind_addr/advertise accept an address template, Nomad's
# client.network_interface an interface-name template (Nomad
# command/agent/config.go, parseSingleInterfaceTemplate). The preview nodes'
# private address is assigned by Hetzner, so it cannot be written here.
locals {
  private_sockaddr  = "GetPrivateInterfaces | include \"network\" \"${var.network_ip_range}\""
  private_address   = "{{ ${local.private_sockaddr} | attr \"address\" }}"
  private_interface = "{{ ${local.private_sockaddr} | attr \"name\" }}"
}
