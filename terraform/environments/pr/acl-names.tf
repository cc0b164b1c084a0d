# What the preview node's Consul policy may touch, by name prefix. The trailing
# "-" and "/" keep pr-7 from matching pr-70. Services are named
# <project>-pr-<N>-<service> by prenv's Nomad jobs, the node
# pr-<N>-<project>-client-1 by modules/base; secrets live under
# <project>/previews/ (README, "Application secrets").
locals {
  preview_acl_prefixes = {
    node_prefix    = "pr-${var.pr_number}-${var.project}-"
    service_prefix = "${var.project}-pr-${var.pr_number}-"
    key_prefix     = "${var.project}/previews/"
  }
}
