# Sourced by the image build scripts: helpers to stage a root file system for a FROM scratch
# image out of this machine's binaries (no registry, no base image).

# copy_with_libraries <binary> <root> <path in image>: the binary, the dynamic loader and every
# library it links, at the paths the loader looks for them.
copy_with_libraries() {
  local binary root target lib
  binary=$(readlink -f "$1")
  root=$2
  target=$3
  mkdir -p "$root/$(dirname "$target")"
  cp "$binary" "$root/$target"
  for lib in $(ldd "$binary" | awk '/=>/ { print $3 } /^[ \t]*\/lib/ { print $1 }'); do
    cp --parents -L "$lib" "$root"
  done
}

# image_label <tag> <label>: the label's value on an existing image, empty when there is none.
image_label() {
  docker image inspect -f "{{ index .Config.Labels \"$2\" }}" "$1" 2> /dev/null || true
}

# build_scratch_image <context> <tag> <hash> [dockerfile]: builds quietly, passing the hash of
# its inputs as PORTIER_CONTENT (the Dockerfile turns it into the portier.content label; the
# builder's --label would add a slow last step); prints the build log only when the build fails. The image the tag named
# before is removed (unless a container uses it), so rebuilds do not pile up.
build_scratch_image() {
  local context=$1 tag=$2 hash=$3 dockerfile=${4:-$1/Dockerfile} log previous
  previous=$(docker image inspect -f '{{ .Id }}' "$tag" 2> /dev/null || true)
  log=$(mktemp /tmp/portier-image-build-XXXXXX.log)
  # The legacy builder needs no buildx plugin (Debian's docker.io has none).
  if ! DOCKER_BUILDKIT=0 docker build --build-arg "PORTIER_CONTENT=$hash" -t "$tag" -f "$dockerfile" "$context" \
    > "$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    return 1
  fi
  rm -f "$log"
  if [ -n "$previous" ] && [ "$previous" != "$(docker image inspect -f '{{ .Id }}' "$tag")" ]; then
    docker image rm "$previous" > /dev/null 2>&1 || true
  fi
}
