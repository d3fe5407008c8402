#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs what the tests need, checks lint, format and types,
# builds, then runs unit, integration and browser tests with node's test runner.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

bash scripts/services/ensure.sh

echo "== lint, format, types"
npx eslint .
npx prettier --check . > /dev/null || { npx prettier --check .; exit 1; }
npx tsc -p tsconfig.json --noEmit

echo "== build"
npm run build --silent

echo "== tests"
bash scripts/run-tests.sh all
