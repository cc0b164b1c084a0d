output "node_names" {
  description = "Name of the preview node, which is also its hostname and Nomad node name."
  value       = module.preview.client_names
}

output "public_ips" {
  description = "Public IPv4 address of the preview node (SSH only; web traffic arrives through the entry nodes)."
  value       = module.preview.client_public_ips
}

output "private_ips" {
  description = "Private IP Hetzner assigned to the preview node on production's network."
  value       = module.preview.client_private_ips
}

output "pr_number" {
  description = "Pull request number, also the node meta pr and the pr label."
  value       = var.pr_number
}

output "environment_url" {
  description = "Public URL of this pull request's environment."
  value       = "https://pr-${var.pr_number}.${var.preview_domain}"
}
