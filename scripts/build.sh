#!/usr/bin/env bash
# Compiles the CLI to dist/ (`bin/prenv.js` runs the compiled code) unless dist/ is newer than
# every source file: tsc's own incremental check still takes seconds on a small machine.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
stamp=dist/.tsbuildinfo
if [[ -f $stamp && -z $(find bot generators tsconfig.json tsconfig.build.json -newer "$stamp" -print -quit) ]]; then
  exit 0
fi
node node_modules/typescript/bin/tsc -p tsconfig.build.json
touch "$stamp"
