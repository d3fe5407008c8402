#!/usr/bin/env bash
# Runs test files with node's test runner. `unit`, `integration`, `e2e` or `all` (default).
# Node 20's runner does not expand globs, so the shell does.
set -euo pipefail
cd "$(dirname "$0")/.."
shopt -s nullglob
kind="${1:-all}"
files=()
case "$kind" in
  unit) files=(test/unit/*.test.ts) ;;
  integration) files=(test/integration/*.test.ts) ;;
  e2e) files=(test/e2e/*.test.ts) ;;
  all) files=(test/unit/*.test.ts test/integration/*.test.ts test/e2e/*.test.ts) ;;
  *) files=("$@") ;;
esac
exec node --import tsx --test --test-concurrency="${TEST_CONCURRENCY:-3}" --test-timeout=300000 "${files[@]}"
