# Nomad ACL policy of the tokens that deploy: the bot (PRENV_NOMAD_TOKEN of
# `prenv serve`) and CI or a maintainer running `prenv deploy production`.
# Exactly what prenv's Nomad adapter calls: parse, plan, register and stop jobs
# (/v1/jobs/parse, /v1/job/:id/plan, /v1/jobs, DELETE /v1/job/:id), read jobs,
# their allocations and deployments, and read nodes (waiting for a preview
# node to register). No alloc-exec, read-fs or read-logs: a deployer cannot
# enter a running container or read its files.
#
# Nomad's open-source edition does not tie a namespace to a node pool
# (node_pool_config is Enterprise) and checks no node_pool rule when a job is
# registered (nomad/job_endpoint.go): which pool a job runs in is decided by
# whoever may submit it. Pull-request code holds no Nomad token at all.

namespace "default" {
  capabilities = ["list-jobs", "parse-job", "read-job", "submit-job"]
}

node {
  policy = "read"
}

# Jobs mount the client's host volumes (postgres-data, redis-data): registering
# a job that claims one read-write needs mount-readwrite on it.
host_volume "*" {
  policy = "write"
}
