#!/usr/bin/env bash
# Installs what qqt needs from Debian packages (only if missing), then configures and builds it in
# build/ (or $QQT_BUILD_DIR). Build output goes to stderr so that stdout stays clean for qqt.
# Usage: scripts/setup.sh   (called by scripts/qqt, test.sh, bench.sh and fuzz.sh)
# Environment: QQT_BUILD_DIR (default build/), QQT_WERROR (default ON), QQT_CMAKE_ARGS (extra cmake
# arguments for a new build directory), QQT_EXTRA_PACKAGES (more Debian packages), QQT_SKIP_BUILD=1
# (install only), QQT_UNITY=ON (unity build of a new build directory), CC/CXX (compiler of a new one).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${QQT_BUILD_DIR:-$root/build}"

packages=(cmake g++ ninja-build pkg-config libcli11-dev libeigen3-dev libnlopt-dev libnlopt-cxx-dev
          libfmt-dev libspdlog-dev catch2 libyaml-cpp-dev gnuplot-nox libxml2-utils python3 ${QQT_EXTRA_PACKAGES:-})

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "qqt setup: installing ${missing[*]}" >&2
  sudo_cmd=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "qqt setup: need root or sudo to install: ${missing[*]}" >&2; exit 2; }
    sudo_cmd=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq >&2
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

[[ -n "${QQT_SKIP_BUILD:-}" ]] && exit 0

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if [[ ! -f "$build_dir/CMakeCache.txt" ]]; then
  # QQT_UNITY=ON (set by .ci/run) compiles each target as a few unity files: a fresh build in about
  # two thirds of the time, for one-shot builds; incremental builds are faster without it.
  if ! cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DQQT_WERROR="${QQT_WERROR:-ON}" \
      -DCMAKE_UNITY_BUILD="${QQT_UNITY:-OFF}" -DCMAKE_UNITY_BUILD_BATCH_SIZE=4 ${QQT_CMAKE_ARGS:-} >"$log" 2>&1; then
    cat "$log" >&2
    echo "qqt setup: cmake configure failed" >&2
    exit 1
  fi
fi
if ! cmake --build "$build_dir" -j "$(nproc)" >"$log" 2>&1; then
  cat "$log" >&2
  echo "qqt setup: build failed" >&2
  exit 1
fi
