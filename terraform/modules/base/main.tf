locals {
  is_preview     = var.environment == "pr"
  pr_label       = local.is_preview ? tostring(var.pr_number) : "none"
  preview_prefix = "pr-${var.pr_number}-${var.project}"
  cluster_prefix = "${var.project}-${var.environment}"
  name_prefix    = local.is_preview ? local.preview_prefix : local.cluster_prefix

  labels = {
    project      = var.project
    environment  = var.environment
    pr           = local.pr_label
    "managed-by" = "prenv"
  }

  network_id         = var.network_id == null ? hcloud_network.this[0].id : var.network_id
  server_private_ips = [for i in range(var.server_count) : cidrhost(var.subnet_ip_range, var.server_ip_offset + i)]
  join_ips           = length(var.join_ips) > 0 ? var.join_ips : local.server_private_ips

  ssh_keys = concat(var.ssh_key_names, hcloud_ssh_key.this[*].id)
}

resource "hcloud_ssh_key" "this" {
  count = var.ssh_public_key == "" ? 0 : 1

  name       = local.name_prefix
  public_key = var.ssh_public_key
  labels     = local.labels
}
