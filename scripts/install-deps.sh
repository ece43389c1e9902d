#!/usr/bin/env bash
# Installs what herald needs to build and test, from Debian 12 packages only.
# Idempotent: asks apt only for packages that are missing.
# With --build: only what building herald and its .deb needs (the CI action's build step).
set -euo pipefail

packages=(
  g++ cmake make pkg-config
  libcli11-dev libyaml-cpp-dev libfmt-dev libhowardhinnant-date-dev tzdata
  nlohmann-json3-dev libexpected-dev libsqlite3-dev libpq-dev libcurl4-openssl-dev libicu-dev
  libxml2-dev libssl-dev
  doctest-dev libcpp-httplib-dev
  dpkg-dev file   # cpack -G DEB: dpkg-shlibdeps for Depends:, file to find the ELF binaries
)
if [ "${1:-}" != "--build" ]; then
  packages+=(
    python3 mandoc clang-format
    clang-tidy-14 # scripts/tidy.sh
    zsh fish      # the tests run the zsh and fish completion scripts
    postgresql    # the server the tests start (scripts/pg-test-server.sh), never a system one
    git           # plan --diff --against reads a revision; its tests make a repository
    clang-14 libclang-rt-14-dev  # scripts/fuzz.sh: libFuzzer's runtime is in libclang-rt-14-dev
  )
fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "herald: installing ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
