# Partial configuration: bucket, endpoint and region come from
# `-backend-config=../../backend.s3.hcl` (see terraform/README.md); the
# credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
terraform {
  backend "s3" {
    key = "prenv/staging.tfstate"
  }
}
