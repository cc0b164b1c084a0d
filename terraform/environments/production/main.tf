terraform {
  required_version = ">= 1.10"

  required_providers {
    hcloud = {
      source  = "hetznercloud/hcloud"
      version = "~> 1.49.0"
    }
  }
}

# With hcloud_token = null the provider reads HCLOUD_TOKEN from the environment.
provider "hcloud" {
  token = var.hcloud_token
}

module "cluster" {
  source = "../../modules/base"

  project            = var.project
  environment        = "production"
  server_type        = var.server_type
  location           = var.location
  network_zone       = var.network_zone
  server_count       = var.server_count
  entry              = true
  node_pool          = "default"
  host_volumes       = var.host_volumes
  ssh_allowed_cidrs  = var.ssh_allowed_cidrs
  ssh_public_key     = var.ssh_public_key
  ssh_key_names      = var.ssh_key_names
  consul_encrypt_key = var.consul_encrypt_key

  # Every entry node behind one load balancer (modules/base/load-balancer.tf).
  load_balancer       = true
  certificate_domains = var.tls_domains
}
