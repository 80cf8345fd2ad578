#!/usr/bin/env bash
# Installs every Debian 12 package recon needs to build and test (the toolchain too, on a bare machine).
# Idempotent and quiet when everything is present. Run as root (or with sudo).
#   scripts/setup.sh           build + test dependencies
#   scripts/setup.sh --bench   also what the benchmarks need (the Python peer's scikit-learn/pandas stack)
set -euo pipefail

packages=(
  g++ cmake ninja-build ccache pkg-config git python3 sqlite3 openssl python3-aiosmtpd
  libyaml-cpp-dev libspdlog-dev libfmt-dev libcli11-dev nlohmann-json3-dev libsqlite3-dev libssl-dev libcurl4-openssl-dev libboost-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev  # the fuzz preset: clang and libFuzzer's runtime (only recommended by clang, so named)
)
if [[ "${1:-}" == "--bench" ]]; then
  packages+=(python3-sklearn python3-pandas python3-yaml time wrk python3-fastapi python3-uvicorn python3-websockets)
fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null; then SUDO=sudo; else
    echo "setup: missing packages (${missing[*]}); run this script as root" >&2
    exit 1
  fi
else
  SUDO=
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
