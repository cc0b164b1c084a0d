#!/usr/bin/env bash
# Installs the npm dependencies when node_modules is missing or older than package-lock.json,
# then compiles the CLI to dist/ (scripts/build.sh), so that `npm test` and `npm run demo` work
# on a fresh clone.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
marker=node_modules/.package-lock.json
if [[ ! -f $marker || package-lock.json -nt $marker ]]; then
  echo "ensure-deps: installing npm dependencies (npm ci) …"
  npm ci --engine-strict --no-audit --no-fund
fi
bash scripts/build.sh
