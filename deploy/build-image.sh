#!/usr/bin/env bash
# Builds the Portier image (default tag portier:local) with no registry and no base image: the
# image is FROM scratch with this machine's node binary and openssl, the shared libraries they
# link, the compiled dist/, the built dashboard and the production node_modules (native modules
# as built here, so the image runs on the same architecture and glibc as this machine).
#
# The image is labelled with a hash of what goes into it; when the tag already carries the same
# hash the build is skipped (about a minute saved), so callers may run this before every use.
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/scratch-rootfs.sh
tag=${1:-portier:local}
[ -f dist/cli/main.js ] || npm run build
node=$(command -v node)
openssl=$(command -v openssl)
dashboard=src/dashboard/app/dist

# File names and contents, in a fixed order, so equal inputs give equal hashes.
hash=$(
  {
    find dist bin "$dashboard" -type f -print0 | sort -z | xargs -0 sha256sum
    sha256sum package.json package-lock.json Dockerfile deploy/build-image.sh deploy/scratch-rootfs.sh \
      "$(readlink -f "$node")" "$(readlink -f "$openssl")"
  } | sha256sum | cut -c1-16
)
if [ "$(image_label "$tag" portier.content)" = "$hash" ]; then
  echo "$tag"
  exit 0
fi

stage=$(mktemp -d /tmp/portier-image-XXXXXX)
trap 'rm -rf "$stage"' EXIT
root=$stage/rootfs
mkdir -p "$root/app/$dashboard" "$root/tmp"
chmod 1777 "$root/tmp"
copy_with_libraries "$node" "$root" /usr/bin/node
# Node cannot issue X.509 certificates: Portier's fallback TLS certificate comes from openssl.
copy_with_libraries "$openssl" "$root" /usr/bin/openssl
mkdir -p "$root/usr/lib/ssl"
cp -L /usr/lib/ssl/openssl.cnf "$root/usr/lib/ssl/"
cp -r bin dist package.json package-lock.json "$root/app/"
cp -r "$dashboard/." "$root/app/$dashboard/"
# Only the production dependency tree, as npm lists it (half of node_modules); a nested package
# comes with the top-level one it sits in.
npm ls --omit=dev --all --parseable | sed "s|^$PWD/||" | grep -E '^node_modules/(@[^/]+/)?[^/]+$' |
  tar -cf - -T - | tar -xf - -C "$root/app"
# Build leftovers of the native SQLite module: only build/Release/*.node is loaded.
rm -rf "$root/app/node_modules/better-sqlite3/"{deps,src,build/Release/obj,build/Release/obj.target}
cp Dockerfile "$stage/"
build_scratch_image "$stage" "$tag" "$hash"
echo "$tag"
