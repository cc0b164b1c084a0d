# Consul ACL policy of the anonymous token (requests without a token): Consul
# DNS only. Caddy resolves upstreams by DNS SRV on the entry nodes and systemd-
# resolved forwards *.consul to the agent; both ask without a token. Node and
# service names are not secrets; keys, ACLs and writes stay denied.

node_prefix "" {
  policy = "read"
}

service_prefix "" {
  policy = "read"
}
