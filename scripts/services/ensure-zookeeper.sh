#!/usr/bin/env bash
# The KV tests start their own throwaway ZooKeeper on loopback; this makes sure it is installed
# (Debian's zookeeper runs on the Java already on the machine). Its system service is not started.
set -euo pipefail
if [ -f /usr/share/java/zookeeper.jar ]; then
  exit 0
fi
source "$(dirname "$0")/kv-apt.sh"
apt_install_quietly zookeeperd
[ -f /usr/share/java/zookeeper.jar ]
