# Consul ACL policy of the bot (PRENV_CONSUL_TOKEN, passed to Terraform as
# CONSUL_HTTP_TOKEN) and of CI deploys. Each preview's Terraform run creates the
# preview node's own policy and token (environments/pr/acl.tf), which needs
# acl = "write": a token that can write ACLs can grant itself anything, so keep
# this one as secret as the Hetzner token.

acl = "write"

node_prefix "" {
  policy = "read"
}

service_prefix "" {
  policy = "read"
}

# Secrets are read to check that each one a deploy needs exists, and the bot's
# own state lives under prenv/ when kept in Consul.
key_prefix "" {
  policy = "read"
}

key_prefix "prenv/" {
  policy = "write"
}

session_prefix "" {
  policy = "write"
}
