resource "hcloud_placement_group" "servers" {
  count = var.server_count > 1 ? 1 : 0

  name   = "${local.name_prefix}-servers"
  type   = "spread"
  labels = local.labels
}

locals {
  cloud_init_common = {
    network_ip_range   = var.network_ip_range
    private_address    = local.private_address
    private_interface  = local.private_interface
    datacenter         = var.datacenter
    join_ips           = local.join_ips
    environment        = var.environment
    pr_label           = local.pr_label
    host_volumes       = var.host_volumes
    nomad_version      = var.nomad_version
    consul_version     = var.consul_version
    consul_encrypt_key = var.consul_encrypt_key
    caddy_version      = var.caddy_version
    consul_agent_token = var.consul_agent_token
    preview            = local.is_preview
  }
}

resource "hcloud_server" "server" {
  count = var.server_count

  name               = "${local.name_prefix}-server-${count.index + 1}"
  server_type        = var.server_type
  image              = var.image
  location           = var.location
  ssh_keys           = local.ssh_keys
  placement_group_id = var.server_count > 1 ? hcloud_placement_group.servers[0].id : null
  firewall_ids       = concat([hcloud_firewall.nodes.id], hcloud_firewall.entry[*].id)
  labels             = merge(local.labels, { role = "server", entry = var.entry ? "true" : "false" })

  user_data = templatefile("${path.module}/cloud-init/node.yaml.tftpl", merge(local.cloud_init_common, {
    server           = true
    bootstrap_expect = var.server_count
    entry            = var.entry
    node_pool        = "default"
  }))

  public_net {
    ipv4_enabled = true
    ipv6_enabled = true
  }

  # alias_ips = [] is explicit: without it the provider detaches and re-attaches
  # the network on every apply (hcloud_server docs, network block).
  network {
    network_id = local.network_id
    ip         = local.server_private_ips[count.index]
    alias_ips  = []
  }

  # Changing cloud-init or the image would replace every server at once and
  # lose the Raft quorum: roll such changes out one server at a time with
  # `terraform apply -replace='module.cluster.hcloud_server.server[N]'`.
  lifecycle {
    ignore_changes = [user_data, image, ssh_keys]

    precondition {
      condition     = !local.is_preview && var.pr_number == 0
      error_message = "Preview environments run client-only nodes: set server_count = 0, client_count = 1 (and pr_number only there)."
    }
  }

  # The subnet must exist before a server can be attached to the network.
  depends_on = [hcloud_network_subnet.nodes]
}

resource "hcloud_server" "client" {
  count = var.client_count

  name         = "${local.name_prefix}-client-${count.index + 1}"
  server_type  = var.server_type
  image        = var.image
  location     = var.location
  ssh_keys     = local.ssh_keys
  firewall_ids = [hcloud_firewall.nodes.id]
  labels       = merge(local.labels, { role = "client", entry = "false" })

  user_data = templatefile("${path.module}/cloud-init/node.yaml.tftpl", merge(local.cloud_init_common, {
    server           = false
    bootstrap_expect = 0
    entry            = false
    node_pool        = var.node_pool
  }))

  public_net {
    ipv4_enabled = true
    ipv6_enabled = true
  }

  network {
    network_id = local.network_id
    alias_ips  = []
  }

  lifecycle {
    precondition {
      condition     = length(local.join_ips) > 0
      error_message = "Client-only nodes need servers to join: set join_ips to the servers' private IPs."
    }

    precondition {
      condition     = local.is_preview == (var.pr_number > 0)
      error_message = "Set pr_number (1..999999) exactly when environment = \"pr\"."
    }
  }

  depends_on = [hcloud_network_subnet.nodes]
}
