#!/usr/bin/env bash
# The ACME tests start their own throwaway pebble (Let's Encrypt's test CA); this makes sure the binary exists.
set -euo pipefail
if command -v pebble >/dev/null 2>&1; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-install-recommends pebble >/dev/null 2>&1; then
  apt-get update >/dev/null
  apt-get install -y --no-install-recommends pebble >/dev/null
fi
command -v pebble >/dev/null
