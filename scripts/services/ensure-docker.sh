#!/usr/bin/env bash
# Makes a Docker engine and the echo test image available for the Docker provider tests:
# installs Debian's docker.io, docker-compose and busybox-static when missing, starts dockerd
# (vfs storage, which works inside VMs without overlayfs) when no daemon answers, and builds
# `portier-test/echo:1` from test/fixtures/docker/echo when the fixture changed.
set -euo pipefail
cd "$(dirname "$0")/../.."

IMAGE=portier-test/echo:1
FIXTURE=test/fixtures/docker/echo
# Several test runs may start at once: one of them prepares, the others wait for it.
exec 9>/tmp/portier-ensure-docker.lock
flock 9

missing=()
command -v dockerd > /dev/null || missing+=(docker.io)
command -v docker-compose > /dev/null || missing+=(docker-compose)
# The image needs the static build: the plain `busybox` package's binary cannot run FROM scratch.
dpkg-query -W -f '${Status}' busybox-static 2> /dev/null | grep -q 'ok installed' || missing+=(busybox-static)
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -q -o DPkg::Lock::Timeout=300 "${missing[@]}" > /tmp/portier-apt.log 2>&1; then
    apt-get update -q -o DPkg::Lock::Timeout=300 >> /tmp/portier-apt.log 2>&1
    apt-get install -y -q -o DPkg::Lock::Timeout=300 "${missing[@]}" >> /tmp/portier-apt.log 2>&1 ||
      { cat /tmp/portier-apt.log; exit 1; }
  fi
fi

if ! docker info > /dev/null 2>&1; then
  log=$(mktemp /tmp/portier-dockerd.XXXXXX.log)
  echo "== starting dockerd (log: $log)"
  # fd 9 (the lock) must not be inherited, or the daemon would hold it forever.
  nohup dockerd --storage-driver=vfs > "$log" 2>&1 9>&- &
  for _ in $(seq 1 120); do
    docker info > /dev/null 2>&1 && break
    sleep 0.5
  done
  docker info > /dev/null 2>&1 || { tail -n 30 "$log"; echo "dockerd did not start" >&2; exit 1; }
fi

# The image is tagged with a hash of its inputs, so it is rebuilt exactly when they change.
hash=$(cat "$FIXTURE"/* /bin/busybox | sha256sum | cut -c1-16)
current=$(docker image inspect -f '{{ index .Config.Labels "portier.fixture" }}' "$IMAGE" 2> /dev/null || true)
if [ "$current" != "$hash" ]; then
  echo "== building $IMAGE"
  context=$(mktemp -d)
  trap 'rm -rf "$context"' EXIT
  cp "$FIXTURE"/* "$context"/
  cp /bin/busybox "$context"/busybox
  # The legacy builder needs no buildx plugin (Debian's docker.io has none).
  DOCKER_BUILDKIT=0 docker build --label "portier.fixture=$hash" -t "$IMAGE" "$context" > "$context/build.log" 2>&1 ||
    { cat "$context/build.log"; exit 1; }
fi
