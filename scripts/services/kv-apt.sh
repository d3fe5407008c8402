# Sourced by ensure-etcd.sh and ensure-zookeeper.sh: installs Debian packages without letting
# their maintainer scripts start system services that would keep running (policy-rc.d exit 101).
apt_install_quietly() {
  export DEBIAN_FRONTEND=noninteractive
  local policy=/usr/sbin/policy-rc.d created=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod +x "$policy"
    created=1
  fi
  local apt=(apt-get -o DPkg::Lock::Timeout=600)
  if ! "${apt[@]}" install -y --no-install-recommends "$@" >/dev/null 2>&1; then
    "${apt[@]}" update >/dev/null
    "${apt[@]}" install -y --no-install-recommends "$@" >/dev/null
  fi
  if [ -n "$created" ]; then rm -f "$policy"; fi
}
