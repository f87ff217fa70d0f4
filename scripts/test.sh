#!/usr/bin/env bash
# The whole test suite: what `npm test` and CI run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-test-deps.sh
npx tsc -p .
npx vitest run "$@"
