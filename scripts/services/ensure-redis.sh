#!/usr/bin/env bash
# The gateway tests start their own throwaway redis-server; this makes sure the binary exists.
set -euo pipefail
if command -v redis-server >/dev/null 2>&1; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-install-recommends redis-server >/dev/null 2>&1; then
  apt-get update >/dev/null
  apt-get install -y --no-install-recommends redis-server >/dev/null
fi
# Debian starts a system-wide instance on 6379; the tests do not use it.
command -v redis-server >/dev/null
