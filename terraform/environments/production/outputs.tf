output "network_id" {
  description = "Private network ID; pass it to environments/pr as network_id."
  value       = module.cluster.network_id
}

output "server_private_ips" {
  description = "Static private IPs of the Nomad/Consul servers; pass them to environments/pr as server_private_ips."
  value       = module.cluster.server_private_ips
}

output "server_public_ips" {
  description = "Public IPv4 addresses of the servers (SSH)."
  value       = module.cluster.server_public_ips
}

output "node_names" {
  description = "Server names, which are also their hostnames and Nomad node names."
  value       = module.cluster.server_names
}

output "entry_public_ips" {
  description = "Addresses for the DNS A records of the apex and *.pr.<domain>."
  value       = module.cluster.entry_public_ips
}

output "ssh_key_names" {
  description = "SSH keys on the nodes; pass the names to environments/pr as ssh_key_names."
  value       = module.cluster.ssh_key_ids
}

output "nomad_ui_url" {
  description = "Nomad UI on the private network (reach it through an SSH tunnel or a VPN)."
  value       = "http://${module.cluster.server_private_ips[0]}:4646/ui"
}

output "consul_ui_url" {
  description = "Consul UI on the private network (reach it through an SSH tunnel or a VPN)."
  value       = "http://${module.cluster.server_private_ips[0]}:8500/ui"
}

output "ssh_tunnel_command" {
  description = "Forwards Nomad, Consul and Caddy's admin API of a server to localhost:4646, :8500 and :2019 (what `prenv tunnel production` runs)."
  value       = "ssh -N -o ExitOnForwardFailure=yes -L 127.0.0.1:4646:127.0.0.1:4646 -L 127.0.0.1:8500:127.0.0.1:8500 -L 127.0.0.1:2019:caddy-admin.service.consul:2019 root@${module.cluster.server_public_ips[0]}"
}

output "environment_url" {
  description = "Public URL of the production application."
  value       = "https://${var.domain}"
}

output "preview_url_pattern" {
  description = "URL of a pull request's environment; N is the pull request number."
  value       = "https://pr-N.pr.${var.domain}"
}

output "dns_records" {
  description = "DNS records to create at the domain's DNS provider."
  value = {
    for name in [var.domain, "*.pr.${var.domain}"] : name => module.cluster.entry_public_ips
  }
}

output "consul_encrypt_key" {
  description = "Consul gossip key of the cluster; prenv passes it to every preview node (environments/pr)."
  value       = var.consul_encrypt_key
  sensitive   = true
}

output "load_balancer_ip" {
  description = "Public IPv4 of the entry's Hetzner Load Balancer; the DNS records point here."
  value       = module.cluster.load_balancer_ip
}
