#!/usr/bin/env bash
# The install step of the herald GitHub Action (action.yml), usable on any Debian-like CI runner:
#
#   herald-action-install.sh key       prints key=herald-deb-<os>-<arch>-<sources hash>: the
#                                      cache key of the package built from this source tree
#   herald-action-install.sh install   installs herald from $HERALD_CACHE_DIR/herald.deb, first
#                                      building it there when the cache did not bring it
#
# The package is built once per runner image and source tree (scripts/install-deps.sh --build,
# CMake, `cpack -G DEB`, about 6 minutes); a cached one installs in seconds with apt, which also
# installs the libraries its Depends: names. The hash covers every file that goes into the
# package, so it stands for the action's commit even where the action was fetched as a tarball
# without .git (as GitHub does for `uses: owner/repo@ref`).
#
# HERALD_CACHE_DIR defaults to ~/.cache/herald-action. Needs root or sudo for apt.
set -euo pipefail

source_dir=$(cd "$(dirname "$0")/../.." && pwd)
cache_dir=${HERALD_CACHE_DIR:-$HOME/.cache/herald-action}
deb=$cache_dir/herald.deb

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi

sources_hash() {
  (
    cd "$source_dir"
    find CMakeLists.txt cmake cmd lib man examples README.md scripts/install-deps.sh -type f \
      ! -name '*.pyc' ! -path '*/outbox/*' ! -name posts.txt -print0 |
      LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16
  )
}

# shellcheck disable=SC1091
runner_image() {
  # The distribution and release decide which library versions the package was built against.
  local id=unknown version=unknown
  if [ -r /etc/os-release ]; then
    id=$(. /etc/os-release && echo "${ID:-unknown}")
    version=$(. /etc/os-release && echo "${VERSION_ID:-unknown}")
  fi
  echo "${id}${version}-$(uname -m)"
}

build() {
  echo "herald-action: building herald (cached for the next runs of this image)" >&2
  "$source_dir/scripts/install-deps.sh" --build
  local build_dir
  build_dir=$(mktemp -d "${RUNNER_TEMP:-/tmp}/herald-build.XXXXXX")
  # The build type the test suite runs with (RelWithDebInfo; cpack strips the binary).
  cmake -S "$source_dir" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DHERALD_BUILD_TESTS=OFF -DHERALD_BUILD_BENCH=OFF >/dev/null
  cmake --build "$build_dir" -j"$(nproc)"
  (cd "$build_dir" && cpack -G DEB -B "$build_dir/package" >/dev/null)
  mkdir -p "$cache_dir"
  cp "$build_dir"/package/herald_*.deb "$deb.tmp"
  mv "$deb.tmp" "$deb"
  rm -rf "$build_dir"
}

install() {
  if [ ! -s "$deb" ]; then
    build
  fi
  export DEBIAN_FRONTEND=noninteractive
  # A fresh container has no package lists; a runner image's may be stale.
  if ! $sudo apt-get install -y -qq --no-install-recommends "$deb" >/dev/null 2>&1; then
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq --no-install-recommends "$deb"
  fi
  herald --version
}

case "${1:-}" in
  key)
    echo "key=herald-deb-$(runner_image)-$(sources_hash)"
    ;;
  install)
    install
    ;;
  *)
    echo "usage: $0 key|install" >&2
    exit 2
    ;;
esac
