# The preview node's own Consul ACL policy and token, created with the node and
# destroyed with it (this PR's state). The token reaches the node through
# cloud-init; the consul provider reads CONSUL_HTTP_ADDR and CONSUL_HTTP_TOKEN,
# which prenv sets from PRENV_CONSUL_ADDR and PRENV_CONSUL_TOKEN (a token with
# the policy in terraform/acl/consul/bot.hcl).
resource "consul_acl_policy" "preview" {
  name        = "pr-${var.pr_number}-${var.project}"
  description = "prenv preview node of pull request ${var.pr_number} (${var.project})"
  rules       = templatefile("${path.module}/../../acl/consul/preview-node.hcl.tftpl", local.preview_acl_prefixes)
}

resource "consul_acl_token" "preview" {
  description = "prenv preview node of pull request ${var.pr_number} (${var.project})"
  policies    = [consul_acl_policy.preview.name]
}

data "consul_acl_token_secret_id" "preview" {
  accessor_id = consul_acl_token.preview.id
}
