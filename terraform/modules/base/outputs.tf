output "network_id" {
  description = "ID of the private network the nodes are attached to."
  value       = local.network_id
}

output "server_private_ips" {
  description = "Static private IPs of the Nomad/Consul servers (what other nodes retry_join)."
  value       = local.server_private_ips
}

output "server_names" {
  description = "Names (and hostnames, Nomad node names) of the servers."
  value       = hcloud_server.server[*].name
}

output "server_public_ips" {
  description = "Public IPv4 addresses of the servers."
  value       = hcloud_server.server[*].ipv4_address
}

output "client_names" {
  description = "Names (and hostnames, Nomad node names) of the client-only nodes."
  value       = hcloud_server.client[*].name
}

output "client_public_ips" {
  description = "Public IPv4 addresses of the client-only nodes."
  value       = hcloud_server.client[*].ipv4_address
}

output "client_private_ips" {
  description = "Private IPs Hetzner assigned to the client-only nodes."
  value       = [for c in hcloud_server.client : one(c.network[*].ip)]
}

output "entry_public_ips" {
  description = "Public IPv4 addresses that DNS (apex and *.pr.<domain>) must point at: the load balancer's when there is one."
  value       = local.load_balancer ? [hcloud_load_balancer.entry[0].ipv4] : var.entry ? hcloud_server.server[*].ipv4_address : []
}

output "ssh_key_ids" {
  description = "IDs or names of the SSH keys installed on the nodes."
  value       = local.ssh_keys
}

output "firewall_ids" {
  description = "IDs of the firewalls created for this environment."
  value       = concat([hcloud_firewall.nodes.id], hcloud_firewall.entry[*].id)
}

output "load_balancer_ip" {
  description = "Public IPv4 of the entry's load balancer: the DNS records' target; null without one."
  value       = local.load_balancer ? hcloud_load_balancer.entry[0].ipv4 : null
}

output "load_balancer_ipv6" {
  description = "Public IPv6 of the entry's load balancer; null without one."
  value       = local.load_balancer ? hcloud_load_balancer.entry[0].ipv6 : null
}
