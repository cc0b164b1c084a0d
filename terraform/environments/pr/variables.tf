variable "hcloud_token" {
  type        = string
  description = "Hetzner Cloud API token (read/write). Leave unset to use HCLOUD_TOKEN; or set TF_VAR_hcloud_token."
  default     = null
  sensitive   = true

  validation {
    condition     = try(length(var.hcloud_token) == 64, var.hcloud_token == null)
    error_message = "A Hetzner Cloud API token has 64 characters."
  }
}

variable "project" {
  type        = string
  description = "Project name: part of the node name (pr-<pr_number>-<project>-client-1) and value of the project label."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,29}$", var.project))
    error_message = "The project must be lowercase letters, digits and \"-\", start with a letter and have at most 30 characters."
  }
}

variable "pr_number" {
  type        = number
  description = "Number of the pull request this preview node serves."

  validation {
    condition     = var.pr_number >= 1 && var.pr_number <= 999999
    error_message = "The pr_number must be between 1 and 999999."
  }

  validation {
    condition     = floor(var.pr_number) == var.pr_number
    error_message = "The pr_number must be a whole number."
  }
}

variable "preview_domain" {
  type        = string
  description = "Domain under which previews are served, e.g. pr.aipacto.com (wildcard DNS *.pr.aipacto.com)."

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.preview_domain))
    error_message = "The preview_domain must be a lowercase DNS name such as pr.example.com."
  }
}

variable "server_type" {
  type        = string
  description = "Hetzner server type of the preview node, e.g. cx22 (deprecated by Hetzner in 2025, successor cx23)."
  default     = "cx22"

  validation {
    condition     = length(var.server_type) > 0 && lower(var.server_type) == var.server_type
    error_message = "The server_type must be a non-empty, lowercase Hetzner server type such as cx22."
  }
}

variable "location" {
  type        = string
  description = "Hetzner location; it must lie in the network zone of production's network."
  default     = "nbg1"

  validation {
    condition     = contains(["fsn1", "nbg1", "hel1", "ash", "hil", "sin"], var.location)
    error_message = "The location must be one of fsn1, nbg1, hel1, ash, hil, sin."
  }
}

variable "network_id" {
  type        = number
  description = "ID of production's private network (output network_id of environments/production)."

  validation {
    condition     = var.network_id >= 1
    error_message = "The network_id must be the numeric ID of production's network."
  }
}

variable "network_ip_range" {
  type        = string
  description = "IP range of production's private network; Nomad and Consul bind to the node's address in it."
  default     = "10.0.0.0/16"

  validation {
    condition     = can(cidrnetmask(var.network_ip_range))
    error_message = "The network_ip_range must be an IPv4 CIDR block such as 10.0.0.0/16."
  }
}

variable "server_private_ips" {
  type        = list(string)
  description = "Private IPs of production's Nomad/Consul servers (output server_private_ips of environments/production)."

  validation {
    condition     = length(var.server_private_ips) > 0 && alltrue([for ip in var.server_private_ips : can(cidrhost("${ip}/32", 0))])
    error_message = "Give at least one server IP, each an IPv4 address such as 10.0.1.10."
  }
}

variable "host_volumes" {
  type        = list(string)
  description = "Nomad host volumes created on the preview node (stateful services such as PostgreSQL and Redis)."
  default     = ["postgres-data", "redis-data"]
}

variable "ssh_allowed_cidrs" {
  type        = list(string)
  description = "CIDR blocks allowed to reach SSH on the preview node; empty closes SSH."
  default     = []

  validation {
    condition     = alltrue([for c in var.ssh_allowed_cidrs : can(cidrnetmask(c))])
    error_message = "Each ssh_allowed_cidrs entry must be an IPv4 CIDR block such as 203.0.113.4/32."
  }
}

variable "ssh_key_names" {
  type        = list(string)
  description = "Names of existing Hetzner SSH keys (e.g. <project>-production); previews never upload keys, as Hetzner rejects duplicates."
  default     = []
}

variable "consul_encrypt_key" {
  type        = string
  description = "Production's Consul gossip encryption key; empty when production runs without one."
  default     = ""
  sensitive   = true
}
