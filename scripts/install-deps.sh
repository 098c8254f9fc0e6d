#!/usr/bin/env bash
# Installs the Debian 12 packages mmids-cpp needs to build and test.
# Idempotent: when every package is already installed it prints nothing and exits 0.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config ccache clang libclang-rt-14-dev
  # libraries (SPEC.md section 9)
  libboost-dev libboost-program-options-dev libssl-dev
  libavformat-dev libavcodec-dev libavutil-dev
  libtomlplusplus-dev libspdlog-dev nlohmann-json3-dev libhiredis-dev catch2 prometheus-cpp-dev
  # real peers the tests and the local cluster run
  ffmpeg rtmpdump redis-server nginx libnginx-mod-rtmp wrk chromium
  openssl curl iproute2 procps python3 bc
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
# Package services (nginx, redis) must not start on install: tests start their own.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
