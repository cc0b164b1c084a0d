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

output "environment_url" {
  description = "Public URL of the staging application."
  value       = "https://${var.domain}"
}

output "load_balancer_ip" {
  description = "Public IPv4 of the entry's Hetzner Load Balancer; the DNS records point here."
  value       = module.cluster.load_balancer_ip
}
