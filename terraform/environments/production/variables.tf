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
  description = "Project name: prefix of every resource name and value of the project label."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,29}$", var.project))
    error_message = "The project must be lowercase letters, digits and \"-\", start with a letter and have at most 30 characters."
  }
}

variable "domain" {
  type        = string
  description = "Apex domain of production, e.g. aipacto.com; previews live under pr-N.pr.<domain>."

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.domain))
    error_message = "The domain must be a lowercase DNS name such as example.com."
  }
}

variable "server_type" {
  type        = string
  description = "Hetzner server type, e.g. cx22 (deprecated by Hetzner in 2025, successor cx23)."
  default     = "cx22"

  validation {
    condition     = length(var.server_type) > 0 && lower(var.server_type) == var.server_type
    error_message = "The server_type must be a non-empty, lowercase Hetzner server type such as cx22."
  }
}

variable "location" {
  type        = string
  description = "Hetzner location."
  default     = "nbg1"

  validation {
    condition     = contains(["fsn1", "nbg1", "hel1", "ash", "hil", "sin"], var.location)
    error_message = "The location must be one of fsn1, nbg1, hel1, ash, hil, sin."
  }
}

variable "network_zone" {
  type        = string
  description = "Hetzner network zone containing the location: eu-central (fsn1, nbg1, hel1), us-east (ash), us-west (hil), ap-southeast (sin)."
  default     = "eu-central"

  validation {
    condition     = contains(["eu-central", "us-east", "us-west", "ap-southeast"], var.network_zone)
    error_message = "The network_zone must be one of eu-central, us-east, us-west, ap-southeast."
  }
}

variable "server_count" {
  type        = number
  description = "Number of servers, each a Nomad server, Consul server, Nomad client and entry node."
  default     = 3

  validation {
    condition     = var.server_count == 3 || var.server_count == 5
    error_message = "Production runs 3 or 5 servers so that Raft keeps a quorum when one fails."
  }
}

variable "host_volumes" {
  type        = list(string)
  description = "Nomad host volumes created on every node (stateful services such as PostgreSQL and Redis)."
  default     = ["postgres-data", "redis-data"]
}

variable "ssh_allowed_cidrs" {
  type        = list(string)
  description = "CIDR blocks allowed to reach SSH, e.g. [\"203.0.113.4/32\"]."

  validation {
    condition     = alltrue([for c in var.ssh_allowed_cidrs : can(cidrnetmask(c))])
    error_message = "Each ssh_allowed_cidrs entry must be an IPv4 CIDR block such as 203.0.113.4/32."
  }
}

variable "ssh_public_key" {
  type        = string
  description = "Public SSH key uploaded as the Hetzner SSH key named <project>-production; empty to use ssh_key_names only."
  default     = ""
}

variable "ssh_key_names" {
  type        = list(string)
  description = "Names of SSH keys that already exist in the Hetzner project."
  default     = []
}

variable "consul_encrypt_key" {
  type        = string
  description = "Consul gossip encryption key (output of `consul keygen`); empty leaves gossip unencrypted."
  default     = ""
  sensitive   = true
}

variable "tls_domains" {
  type        = list(string)
  description = "Set by prenv from prenv.yml (tls.mode load_balancer): the names of the load balancer's managed certificate; empty: TCP passthrough to the first entry node's Caddy."
  default     = []
}
