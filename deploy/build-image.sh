#!/usr/bin/env bash
# Builds the Portier image (default tag portier:local) with no registry and no base image: the
# image is FROM scratch with this machine's node binary, the shared libraries it links, the
# compiled dist/ and the production node_modules (native modules as built here, so the image
# runs on the same architecture and glibc as this machine).
set -euo pipefail
cd "$(dirname "$0")/.."
tag=${1:-portier:local}
[ -f dist/cli/main.js ] || npm run build
stage=$(mktemp -d /tmp/portier-image-XXXXXX)
trap 'rm -rf "$stage"' EXIT
root=$stage/rootfs
node=$(readlink -f "$(command -v node)")
mkdir -p "$root/usr/bin" "$root/app" "$root/tmp"
chmod 1777 "$root/tmp"
cp "$node" "$root/usr/bin/node"
# The dynamic loader and every library node links, at the paths it looks for them.
for lib in $(ldd "$node" | awk '/=>/ { print $3 } /^[ \t]*\/lib/ { print $1 }'); do
  cp --parents -L "$lib" "$root"
done
cp -r bin dist package.json package-lock.json "$root/app/"
cp -a node_modules "$root/app/"
(cd "$root/app" && flock /tmp/npm.lock npm prune --omit=dev --offline --no-audit --no-fund >/dev/null)
# Build leftovers of the native SQLite module: only build/Release/*.node is loaded.
rm -rf "$root/app/node_modules/better-sqlite3/"{deps,src,build/Release/obj,build/Release/obj.target}
docker build -q -t "$tag" -f Dockerfile "$stage" >/dev/null
echo "$tag"
