# The entry of a production or staging cluster: one Hetzner Load Balancer in front of
# Caddy on every entry node, reached over the private network. DNS points at its
# address (output load_balancer_ip), so no entry node is a single public address.
#
# Certificates are obtained once, never once per node (Let's Encrypt limits them per
# registered domain per week):
# - certificate_domains set (prenv.yml `tls.mode: load_balancer`): the load balancer
#   terminates TLS with one Hetzner managed certificate for these names (Let's Encrypt,
#   DNS-01 through Hetzner DNS, so the zone must be hosted there; a wildcard covers every
#   pull request's host) and sends plain HTTP to Caddy :80 on every entry node.
# - certificate_domains empty (on_demand, auto): TCP is passed through to the first entry
#   node only, whose Caddy obtains and holds the certificates; the other entry nodes
#   carry the same routes and can take over by moving the target.
locals {
  load_balancer   = var.entry && var.load_balancer
  tls_at_balancer = local.load_balancer && length(var.certificate_domains) > 0
}

resource "hcloud_load_balancer" "entry" {
  count = local.load_balancer ? 1 : 0

  name               = "${local.name_prefix}-entry"
  load_balancer_type = var.load_balancer_type
  location           = var.location
  labels             = local.labels
}

resource "hcloud_load_balancer_network" "entry" {
  count = local.load_balancer ? 1 : 0

  load_balancer_id = hcloud_load_balancer.entry[0].id
  network_id       = local.network_id

  depends_on = [hcloud_network_subnet.nodes]
}

resource "hcloud_managed_certificate" "entry" {
  count = local.tls_at_balancer ? 1 : 0

  # Named after its domains: a new list is a new certificate, created before the old one goes.
  name         = "${local.name_prefix}-entry-${substr(sha1(join(",", var.certificate_domains)), 0, 8)}"
  domain_names = var.certificate_domains
  labels       = local.labels

  # A new certificate must exist before the old one is detached from the service.
  lifecycle {
    create_before_destroy = true
  }
}

resource "hcloud_load_balancer_target" "entry" {
  count = local.load_balancer ? (local.tls_at_balancer ? var.server_count : min(var.server_count, 1)) : 0

  type             = "server"
  load_balancer_id = hcloud_load_balancer.entry[0].id
  server_id        = hcloud_server.server[count.index].id
  use_private_ip   = true

  depends_on = [hcloud_load_balancer_network.entry]
}

# TLS ends here; HTTP on :80 is redirected to HTTPS by the load balancer.
resource "hcloud_load_balancer_service" "https" {
  count = local.tls_at_balancer ? 1 : 0

  load_balancer_id = hcloud_load_balancer.entry[0].id
  protocol         = "https"
  listen_port      = 443
  destination_port = 80

  http {
    certificates  = [hcloud_managed_certificate.entry[0].id]
    redirect_http = true
  }

  # Caddy accepting connections is enough: an app that fails its health path must not
  # take every other environment's route down with it.
  health_check {
    protocol = "tcp"
    port     = 80
    interval = 10
    timeout  = 5
    retries  = 3
  }
}

# Passthrough: Caddy on the target terminates TLS and answers ACME challenges itself.
resource "hcloud_load_balancer_service" "tcp" {
  for_each = local.load_balancer && !local.tls_at_balancer ? toset(["80", "443"]) : toset([])

  load_balancer_id = hcloud_load_balancer.entry[0].id
  protocol         = "tcp"
  listen_port      = tonumber(each.key)
  destination_port = tonumber(each.key)

  health_check {
    protocol = "tcp"
    port     = tonumber(each.key)
    interval = 10
    timeout  = 5
    retries  = 3
  }
}
