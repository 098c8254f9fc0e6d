#!/usr/bin/env bash
# Installs the Debian 12 packages mmids-cpp needs to build and test, and the browser
# players and their test driver from npm (web/package-lock.json, `npm ci` into
# web/node_modules). Idempotent: when everything is installed it prints nothing and exits 0.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config ccache clang libclang-rt-14-dev
  # libraries (SPEC.md section 9)
  libboost-dev libboost-program-options-dev libssl-dev
  libavformat-dev libavcodec-dev libavutil-dev
  libtomlplusplus-dev libspdlog-dev nlohmann-json3-dev libhiredis-dev catch2 prometheus-cpp-dev
  # real peers the tests and the local cluster run
  ffmpeg rtmpdump redis-server nginx libnginx-mod-rtmp wrk chromium nodejs
  openssl curl iproute2 procps python3 bc
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Debian's nodejs has no npm (its own package); other builds of nodejs (NodeSource's) carry
# npm and conflict with Debian's: only the command is needed.
command -v npm >/dev/null || missing+=(npm)
# hls.js and mpegts.js (served by playback nodes' player page) and playwright-core (the
# headless-Chromium test driver), exactly as locked; again only when the lock file changed.
install_web() {
  local stamp=web/node_modules/.package-lock.json
  [ -e "$stamp" ] && [ "$stamp" -nt web/package-lock.json ] && return 0
  echo "install-deps: npm ci in web/"
  (cd web && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null)
}

if [ ${#missing[@]} -eq 0 ]; then
  install_web
  exit 0
fi

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
install_web
echo "install-deps: done"
