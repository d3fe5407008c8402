#!/usr/bin/env bash
# npm run bench: installs the load generator and the peer proxies from Debian when missing, builds
# Portier, then runs the benchmarks. Traffic stays on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
for pkg in wrk:wrk h2load:nghttp2-client nginx:nginx-light haproxy:haproxy caddy:caddy; do
  command -v "${pkg%%:*}" > /dev/null || need+=("${pkg##*:}")
done
if [ ${#need[@]} -gt 0 ]; then
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${need[@]}"
fi
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run build --silent
for script in bench/*.bench.ts; do
  node --import tsx "$script" "$@"
done
