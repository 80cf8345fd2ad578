#!/usr/bin/env bash
# Command 1 of the README: install what is missing, build, and run the main job on the bundled sample with the
# built-in defaults (no config file, no API key, no server). Results land under ./var/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake --preset release -DRECON_BUILD_TESTS=OFF -DRECON_BUILD_BENCH=OFF >/dev/null
cmake --build --preset release --target recon
build/release/src/recon/cli/recon detect data/recon_sample_10k.csv "$@"
