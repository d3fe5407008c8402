#!/usr/bin/env bash
# Builds a Redis image (default tag portier-redis:local) FROM scratch out of this machine's
# redis-server and redis-cli (Debian's redis-server package) and the libraries they link: for
# swarms with no registry, `REDIS_IMAGE=portier-redis:local docker stack deploy …`. Skipped when
# the tag already holds the same binaries.
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/scratch-rootfs.sh
tag=${1:-portier-redis:local}
server=$(command -v redis-server) || { echo "redis-server is missing: apt-get install redis-server" >&2; exit 1; }
cli=$(command -v redis-cli) || { echo "redis-cli is missing: apt-get install redis-tools" >&2; exit 1; }

hash=$(sha256sum "$(readlink -f "$server")" "$(readlink -f "$cli")" deploy/build-redis-image.sh deploy/scratch-rootfs.sh |
  sha256sum | cut -c1-16)
if [ "$(image_label "$tag" portier.content)" = "$hash" ]; then
  echo "$tag"
  exit 0
fi

stage=$(mktemp -d /tmp/portier-redis-image-XXXXXX)
trap 'rm -rf "$stage"' EXIT
root=$stage/rootfs
copy_with_libraries "$server" "$root" /usr/bin/redis-server
copy_with_libraries "$cli" "$root" /usr/bin/redis-cli
mkdir -p "$root/data" "$root/tmp"
chmod 1777 "$root/tmp"
cat > "$stage/Dockerfile" << 'DOCKERFILE'
FROM scratch
ENV PATH=/usr/bin
WORKDIR /data
VOLUME /data
EXPOSE 6379
# Without a config file Redis only accepts loopback clients; in a container, the network is the
# boundary (the official image's entrypoint does the same).
CMD ["redis-server", "--protected-mode", "no"]
# Settings first, files last (see the repo's Dockerfile).
ARG PORTIER_CONTENT=
LABEL portier.content=$PORTIER_CONTENT
COPY rootfs/ /
DOCKERFILE
build_scratch_image "$stage" "$tag" "$hash"
echo "$tag"
