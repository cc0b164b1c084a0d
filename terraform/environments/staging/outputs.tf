output "network_id" {
  description = "ID of staging's own private network."
  value       = module.cluster.network_id
}

output "server_private_ips" {
  description = "Static private IP of the staging server."
  value       = module.cluster.server_private_ips
}

output "server_public_ips" {
  description = "Public IPv4 address of the staging server (SSH, and the DNS A record of the staging host)."
  value       = module.cluster.server_public_ips
}

output "node_names" {
  description = "Server name, which is also its hostname and Nomad node name."
  value       = module.cluster.server_names
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
  description = "Forwards Nomad, Consul and Caddy's admin API of the server to localhost:14646, :18500 and :12019 (what `prenv tunnel staging` runs)."
  value       = "ssh -N -o ExitOnForwardFailure=yes -L 127.0.0.1:14646:127.0.0.1:4646 -L 127.0.0.1:18500:127.0.0.1:8500 -L 127.0.0.1:12019:caddy-admin.service.consul:2019 root@${module.cluster.server_public_ips[0]}"
}

output "environment_url" {
  description = "Public URL of the staging application."
  value       = "https://${var.domain}"
}

output "load_balancer_ip" {
  description = "Public IPv4 of the entry's Hetzner Load Balancer; the DNS records point here."
  value       = module.cluster.load_balancer_ip
}
