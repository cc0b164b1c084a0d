variable "project" {
  type        = string
  description = "Project name: prefix of every resource name and value of the project label."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,29}$", var.project))
    error_message = "The project must be lowercase letters, digits and \"-\", start with a letter and have at most 30 characters."
  }
}

variable "environment" {
  type        = string
  description = "Kind of environment: production, staging or pr (a preview node of one pull request)."

  validation {
    condition     = contains(["production", "staging", "pr"], var.environment)
    error_message = "The environment must be one of production, staging, pr."
  }
}

variable "pr_number" {
  type        = number
  description = "Pull request number of a preview node; 0 outside previews."
  default     = 0

  validation {
    condition     = var.pr_number >= 0 && var.pr_number <= 999999
    error_message = "The pr_number must be between 1 and 999999 for previews, or 0 outside previews."
  }

  validation {
    condition     = floor(var.pr_number) == var.pr_number
    error_message = "The pr_number must be a whole number."
  }
}

variable "server_type" {
  type        = string
  description = "Hetzner server type of every node, e.g. cx22 (deprecated by Hetzner in 2025, successor cx23)."
  default     = "cx22"

  validation {
    condition     = length(var.server_type) > 0 && lower(var.server_type) == var.server_type
    error_message = "The server_type must be a non-empty, lowercase Hetzner server type such as cx22."
  }
}

variable "location" {
  type        = string
  description = "Hetzner location of every node."
  default     = "nbg1"

  validation {
    condition     = contains(["fsn1", "nbg1", "hel1", "ash", "hil", "sin"], var.location)
    error_message = "The location must be one of fsn1, nbg1, hel1, ash, hil, sin."
  }
}

variable "image" {
  type        = string
  description = "Operating system image; the cloud-init templates assume Ubuntu with systemd-resolved."
  default     = "ubuntu-24.04"
}

variable "network_zone" {
  type        = string
  description = "Hetzner network zone of the subnet; it must contain the location (eu-central for fsn1, nbg1, hel1)."
  default     = "eu-central"

  validation {
    condition     = contains(["eu-central", "us-east", "us-west", "ap-southeast"], var.network_zone)
    error_message = "The network_zone must be one of eu-central, us-east, us-west, ap-southeast."
  }
}

variable "network_ip_range" {
  type        = string
  description = "IP range of the private network; Nomad and Consul bind to the address in this range."
  default     = "10.0.0.0/16"

  validation {
    condition     = can(cidrnetmask(var.network_ip_range))
    error_message = "The network_ip_range must be an IPv4 CIDR block such as 10.0.0.0/16."
  }
}

variable "subnet_ip_range" {
  type        = string
  description = "IP range of the subnet the nodes are attached to; it must lie inside network_ip_range."
  default     = "10.0.1.0/24"

  validation {
    condition     = can(cidrnetmask(var.subnet_ip_range))
    error_message = "The subnet_ip_range must be an IPv4 CIDR block such as 10.0.1.0/24."
  }
}

variable "network_id" {
  type        = number
  description = "ID of an existing private network to attach to (preview nodes join production's); null creates a network."
  default     = null
}

variable "server_count" {
  type        = number
  description = "Number of Nomad + Consul servers (each also a Nomad client); 0 for client-only environments."
  default     = 0

  validation {
    condition     = contains([0, 1, 3, 5], var.server_count)
    error_message = "The server_count must be 0, 1, 3 or 5 (an odd number keeps a Raft quorum)."
  }
}

variable "server_ip_offset" {
  type        = number
  description = "Host number of the first server inside subnet_ip_range (10 gives 10.0.1.10, 10.0.1.11, ...)."
  default     = 10

  validation {
    condition     = var.server_ip_offset >= 2 && var.server_ip_offset <= 200
    error_message = "The server_ip_offset must be between 2 and 200 (host 1 is the Hetzner gateway)."
  }
}

variable "client_count" {
  type        = number
  description = "Number of client-only nodes (Nomad client + Consul client agent), e.g. 1 for a preview node."
  default     = 0

  validation {
    condition     = var.client_count >= 0 && var.client_count <= 10
    error_message = "The client_count must be between 0 and 10."
  }
}

variable "join_ips" {
  type        = list(string)
  description = "Private IPs of the Nomad/Consul servers to join; empty means the servers created here."
  default     = []

  validation {
    condition     = alltrue([for ip in var.join_ips : can(cidrhost("${ip}/32", 0))])
    error_message = "Each join_ips entry must be an IPv4 address such as 10.0.1.10."
  }
}

variable "entry" {
  type        = bool
  description = "Whether the servers are public entry nodes: Caddy installed, ports 80/443 open."
  default     = false
}

variable "node_pool" {
  type        = string
  description = "Nomad node pool of the clients created here (default, or previews for preview nodes)."
  default     = "default"

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]{1,128}$", var.node_pool))
    error_message = "The node_pool must be letters, digits, \"_\" and \"-\"."
  }
}

variable "host_volumes" {
  type        = list(string)
  description = "Nomad host volumes created on every client under /opt/prenv/volumes/<name>."
  default     = ["postgres-data", "redis-data"]

  validation {
    condition     = alltrue([for v in var.host_volumes : can(regex("^[a-z][a-z0-9-]{0,62}$", v))])
    error_message = "Each host volume name must be lowercase letters, digits and \"-\", starting with a letter."
  }
}

variable "ssh_allowed_cidrs" {
  type        = list(string)
  description = "CIDR blocks allowed to reach SSH (port 22); empty closes SSH on the public interface."
  default     = []

  validation {
    condition     = alltrue([for c in var.ssh_allowed_cidrs : can(cidrnetmask(c))])
    error_message = "Each ssh_allowed_cidrs entry must be an IPv4 CIDR block such as 203.0.113.4/32."
  }
}

variable "ssh_public_key" {
  type        = string
  description = "Public SSH key to upload as a new Hetzner SSH key; empty uploads none (use ssh_key_names)."
  default     = ""
}

variable "ssh_key_names" {
  type        = list(string)
  description = "Names of SSH keys that already exist in the Hetzner project."
  default     = []
}

variable "datacenter" {
  type        = string
  description = "Nomad and Consul datacenter name."
  default     = "dc1"

  validation {
    condition     = can(regex("^[a-z0-9-]{1,64}$", var.datacenter))
    error_message = "The datacenter must be lowercase letters, digits and \"-\"."
  }
}

variable "nomad_version" {
  type        = string
  description = "Nomad version installed from the HashiCorp apt repository."
  default     = "1.9.2"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+$", var.nomad_version))
    error_message = "The nomad_version must look like 1.9.2."
  }
}

variable "consul_version" {
  type        = string
  description = "Consul version installed from the HashiCorp apt repository."
  default     = "1.20.1"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+$", var.consul_version))
    error_message = "The consul_version must look like 1.20.1."
  }
}

variable "consul_encrypt_key" {
  type        = string
  description = "Consul gossip encryption key (consul keygen); empty leaves gossip unencrypted. Every node of a cluster needs the same key."
  default     = ""
  sensitive   = true
}

variable "load_balancer" {
  type        = bool
  description = "Whether entry nodes sit behind a Hetzner Load Balancer (see load-balancer.tf); DNS then points at its address."
  default     = false
}

variable "load_balancer_type" {
  type        = string
  description = "Hetzner Load Balancer type of the entry."
  default     = "lb11"
}

variable "certificate_domains" {
  type        = list(string)
  description = "Names of the managed certificate the load balancer terminates TLS with (apex, *.pr.<domain>, the webhook host); empty passes TCP through to the first entry node's Caddy."
  default     = []

  validation {
    condition     = alltrue([for d in var.certificate_domains : can(regex("^(\\*\\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$", d))])
    error_message = "Each certificate_domains entry must be a lowercase DNS name, optionally starting with \"*.\"."
  }
}

variable "caddy_version" {
  type        = string
  description = "Caddy version installed on entry nodes (Caddy's Cloudsmith apt repository); registered in Consul so prenv sends what it accepts."
  default     = "2.10.2"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+$", var.caddy_version))
    error_message = "The caddy_version must look like 2.10.2."
  }
}

variable "consul_agent_token" {
  type        = string
  description = "Consul ACL token of the nodes' Consul agent and Nomad client (preview nodes: their own, from environments/pr/acl.tf); empty: set on the node after the ACL bootstrap (README, \"Deploying for real\")."
  default     = ""
  sensitive   = true
}
