#!/usr/bin/env bash
# Installs the Debian packages recd needs (when missing) and builds it in Release with CMake.
# Sourced by run.sh and test.sh. RECD_WERROR=ON turns warnings into errors (CI sets it).
set -euo pipefail

RECD_PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config
  librocksdb-dev libboost-dev libboost-system-dev libsimdjson-dev rapidjson-dev
  libtomlplusplus-dev libcli11-dev libspdlog-dev libfmt-dev
  libeigen3-dev libopenblas-dev liblapacke-dev libxapian-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev zstd curl openssl
)

recd_install_packages() {
  local missing=()
  for p in "${RECD_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then return 0; fi
  echo "==> installing Debian packages: ${missing[*]}"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The browser tests' tools: Debian's Chromium, Node.js with npm (Node >= 20 for playwright-core;
# the machine's own Node is used when present), and the locked npm packages of tests/browser.
recd_install_browser_tools() {
  local missing=()
  dpkg-query -W -f='${Status}' chromium 2>/dev/null | grep -q "install ok installed" || missing+=(chromium)
  command -v node >/dev/null || missing+=(nodejs)
  command -v npm >/dev/null || missing+=(npm)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "==> installing Debian packages: ${missing[*]}"
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  echo "==> installing the browser tests' npm packages"
  (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
}

recd_build() {
  echo "==> building recd (Release)"
  cmake --preset release -DRECD_WERROR="${RECD_WERROR:-OFF}" >/dev/null
  cmake --build --preset release
}
