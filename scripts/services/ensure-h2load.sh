#!/usr/bin/env bash
# The HTTP/2 bench drives Portier and nginx with h2load (Debian's nghttp2-client); this makes sure it exists.
set -euo pipefail
if command -v h2load >/dev/null 2>&1; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-install-recommends nghttp2-client >/dev/null 2>&1; then
  apt-get update >/dev/null
  apt-get install -y --no-install-recommends nghttp2-client >/dev/null
fi
command -v h2load >/dev/null
