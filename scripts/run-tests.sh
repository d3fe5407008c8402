#!/usr/bin/env bash
# Runs test files with node's test runner. `unit`, `integration`, `e2e` or `all` (default).
# Node 20's runner does not expand globs, so the shell does.
set -euo pipefail
cd "$(dirname "$0")/.."
shopt -s nullglob
kind="${1:-all}"
run() {
  node --import tsx --test --test-concurrency="$1" --test-timeout=300000 "${@:2}"
}
case "$kind" in
  unit) run "${TEST_CONCURRENCY:-3}" test/unit/*.test.ts ;;
  integration) run "${TEST_CONCURRENCY:-3}" test/integration/*.test.ts ;;
  e2e) run "${TEST_CONCURRENCY:-3}" test/e2e/*.test.ts ;;
  all)
    # The Docker suites measure reaction times and scale 30 containers under load: they run on
    # their own afterwards, so that other suites' CPU use does not skew what they measure.
    others=()
    for file in test/unit/*.test.ts test/integration/*.test.ts test/e2e/*.test.ts; do
      case "$file" in test/integration/docker-*) ;; *) others+=("$file") ;; esac
    done
    run "${TEST_CONCURRENCY:-3}" "${others[@]}"
    run 1 test/integration/docker-*.test.ts
    ;;
  *) run "${TEST_CONCURRENCY:-3}" "$@" ;;
esac
