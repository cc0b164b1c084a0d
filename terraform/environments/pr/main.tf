terraform {
  required_version = ">= 1.10"

  required_providers {
    hcloud = {
      source  = "hetznercloud/hcloud"
      version = "~> 1.49.0"
    }
    consul = {
      source  = "hashicorp/consul"
      version = "~> 2.21.0"
    }
  }
}

# With hcloud_token = null the provider reads HCLOUD_TOKEN from the environment.
provider "hcloud" {
  token = var.hcloud_token
}

# Address and token from CONSUL_HTTP_ADDR and CONSUL_HTTP_TOKEN (see acl.tf).
provider "consul" {}

# One preview node for one pull request: a Nomad client in node pool
# "previews" with node meta pr = "<pr_number>" and a Consul client agent,
# attached to production's private network and joining production's servers.
# Production's network and server IPs come in as variables (from
# `terraform output -json` of environments/production) rather than through
# terraform_remote_state, so this state needs no read access to production's.
module "preview" {
  source = "../../modules/base"

  project            = var.project
  environment        = "pr"
  pr_number          = var.pr_number
  server_type        = var.server_type
  location           = var.location
  network_id         = var.network_id
  network_ip_range   = var.network_ip_range
  server_count       = 0
  client_count       = 1
  join_ips           = var.server_private_ips
  entry              = false
  node_pool          = "previews"
  host_volumes       = var.host_volumes
  ssh_allowed_cidrs  = var.ssh_allowed_cidrs
  ssh_key_names      = var.ssh_key_names
  consul_encrypt_key = var.consul_encrypt_key
  consul_agent_token = data.consul_acl_token_secret_id.preview.secret_id
}
