# Partial configuration with one state per pull request. The key is not fixed
# here; every init names it:
#   terraform init -reconfigure \
#     -backend-config=../../backend.s3.hcl \
#     -backend-config=key=prenv/pr/123.tfstate
# (see terraform/README.md). Credentials come from AWS_ACCESS_KEY_ID /
# AWS_SECRET_ACCESS_KEY. Each state is locked with a lock object next to it
# (use_lockfile, Terraform >= 1.10).
terraform {
  backend "s3" {
    use_lockfile = true
  }
}
