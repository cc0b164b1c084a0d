# What crosses the public interfaces, and nothing else: SSH from
# ssh_allowed_cidrs (closed when empty), ICMP (ping and path MTU discovery),
# and 80/443 on entry nodes. Hetzner Cloud firewalls filter the public
# interfaces only; the private network (Nomad 4646-4648, Consul 8300-8302,
# 8500, 8600, and every task port) is not filtered by them, which is why
# cloud-init pins Consul, Nomad and task ports to the private address.
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
