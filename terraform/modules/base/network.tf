resource "hcloud_network" "this" {
  count = var.network_id == null ? 1 : 0

  name     = local.name_prefix
  ip_range = var.network_ip_range
  labels   = local.labels
}

resource "hcloud_network_subnet" "nodes" {
  count = var.network_id == null ? 1 : 0

  network_id   = hcloud_network.this[0].id
  type         = "cloud"
  network_zone = var.network_zone
  ip_range     = var.subnet_ip_range
}
