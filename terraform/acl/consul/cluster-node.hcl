# Consul ACL policy of the production (and staging) servers: the token each
# server's Consul agent (acl.tokens.agent) and Nomad agent (consul.token) use.
# These nodes run the Consul and Nomad servers and the production jobs: they
# register any service, and Nomad's templates read the production secrets.
# Preview nodes never get this policy (preview-node.hcl.tftpl).

node_prefix "" {
  policy = "write"
}

agent_prefix "" {
  policy = "read"
}

service_prefix "" {
  policy = "write"
}

key_prefix "" {
  policy = "read"
}
