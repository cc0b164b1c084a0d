# Partial configuration: bucket, endpoint and region come from
# `-backend-config=../../backend.s3.hcl` (see terraform/README.md); the
# credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY. The state is locked
# with a lock object next to it (use_lockfile, Terraform >= 1.10), so a second
# run waits for -lock-timeout instead of writing over the first.
terraform {
  backend "s3" {
    key          = "prenv/production.tfstate"
    use_lockfile = true
  }
}
