#!/usr/bin/env bash
# Installs and starts the real components the tests use, when they are missing.
# Each part is idempotent: on a machine that has them already, this takes a second.
set -euo pipefail
cd "$(dirname "$0")/../.."
for part in scripts/services/ensure-*.sh; do
  [ -e "$part" ] || continue
  bash "$part"
done
