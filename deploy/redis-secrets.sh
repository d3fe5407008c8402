#!/usr/bin/env bash
# Writes the two files deploy/portier-stack.yml turns into Docker secrets, sharing one fresh
# random Redis password:
#   <dir>/redis.conf           `requirepass …`, the config file redis-server starts with
#   <dir>/portier-redis.toml   Portier's Redis settings (cluster store, KV provider) with it
# <dir> is deploy/secrets unless given; the stack reads PORTIER_SECRETS (same default).
# Existing files are kept: a Docker secret cannot change under a deployed stack, so a new
# password means removing the stack (or renaming the secrets) first. Prints <dir>.
set -euo pipefail
dir=${1:-$(dirname "$0")/secrets}
conf=$dir/redis.conf
toml=$dir/portier-redis.toml
if [ -e "$conf" ] && [ -e "$toml" ]; then
  echo "$dir"
  exit 0
fi
if [ -e "$conf" ] || [ -e "$toml" ]; then
  echo "only one of $conf and $toml exists: remove it to make both from a new password" >&2
  exit 1
fi
umask 077
mkdir -p "$dir"
# Hex: safe unquoted in redis.conf and unescaped in a redis:// URL.
password=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
printf 'requirepass %s\n' "$password" > "$conf"
cat > "$toml" << TOML
# Portier's side of the Redis password (read with --configFile; flags add the rest).
[cluster.redis]
endpoint = "redis://:$password@redis:6379"

[providers.redis]
endpoints = ["redis:6379"]
password = "$password"
TOML
echo "$dir"
