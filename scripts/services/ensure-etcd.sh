#!/usr/bin/env bash
# The KV tests start their own throwaway etcd on loopback; this makes sure the binary exists.
# Debian's package would start a system etcd on 2379: the policy below keeps it from starting.
set -euo pipefail
if command -v etcd >/dev/null 2>&1; then
  exit 0
fi
source "$(dirname "$0")/kv-apt.sh"
apt_install_quietly etcd-server
command -v etcd >/dev/null
