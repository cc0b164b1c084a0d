# Hetzner Cloud firewalls filter the public interfaces only; traffic inside the
# private network is not filtered by them. Nomad and Consul are kept private by
# binding them to the private address (see cloud-init/) and by opening nothing
# but SSH (and 80/443 on entry nodes) on the public side. The cluster rules
# below state the intended reach and take effect should Hetzner extend
# firewalls to private networks.
locals {
  cluster_tcp_ports = {
    "4646-4648" = "Nomad HTTP, RPC, Serf"
    "8300-8302" = "Consul RPC, Serf LAN, Serf WAN"
    "8500"      = "Consul HTTP"
    "8600"      = "Consul DNS"
  }
  cluster_udp_ports = {
    "4648"      = "Nomad Serf"
    "8301-8302" = "Consul Serf LAN, Serf WAN"
    "8600"      = "Consul DNS"
  }
}

resource "hcloud_firewall" "nodes" {
  name   = "${local.name_prefix}-nodes"
  labels = local.labels

  dynamic "rule" {
    for_each = length(var.ssh_allowed_cidrs) > 0 ? [1] : []

    content {
      description = "SSH"
      direction   = "in"
      protocol    = "tcp"
      port        = "22"
      source_ips  = var.ssh_allowed_cidrs
    }
  }

  rule {
    description = "ICMP (ping, path MTU discovery)"
    direction   = "in"
    protocol    = "icmp"
    source_ips  = ["0.0.0.0/0", "::/0"]
  }

  dynamic "rule" {
    for_each = local.cluster_tcp_ports

    content {
      description = "${rule.value} (TCP) from the private network only"
      direction   = "in"
      protocol    = "tcp"
      port        = rule.key
      source_ips  = [var.network_ip_range]
    }
  }

  dynamic "rule" {
    for_each = local.cluster_udp_ports

    content {
      description = "${rule.value} (UDP) from the private network only"
      direction   = "in"
      protocol    = "udp"
      port        = rule.key
      source_ips  = [var.network_ip_range]
    }
  }
}

# Behind the load balancer, HTTP(S) reaches the entry nodes over the private network only.
resource "hcloud_firewall" "entry" {
  count = var.entry && !var.load_balancer ? 1 : 0

  name   = "${local.name_prefix}-entry"
  labels = local.labels

  rule {
    description = "HTTP (ACME HTTP-01, redirect to HTTPS)"
    direction   = "in"
    protocol    = "tcp"
    port        = "80"
    source_ips  = ["0.0.0.0/0", "::/0"]
  }

  rule {
    description = "HTTPS"
    direction   = "in"
    protocol    = "tcp"
    port        = "443"
    source_ips  = ["0.0.0.0/0", "::/0"]
  }

  rule {
    description = "HTTP/3"
    direction   = "in"
    protocol    = "udp"
    port        = "443"
    source_ips  = ["0.0.0.0/0", "::/0"]
  }
}
