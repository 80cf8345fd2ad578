#!/usr/bin/env bash
# Command 2 of the README (and what CI runs): install what is missing, build, and pass every test; then build
# again with AddressSanitizer + UndefinedBehaviorSanitizer and run the unit tests under them.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
jobs=$(nproc)
# ccache keys on paths relative to the checkout, so a fresh clone elsewhere (as CI makes) reuses earlier objects.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true

cmake --preset release -DRECON_BUILD_TESTS=ON -DRECON_BUILD_BENCH=ON >/dev/null
cmake --build --preset release -j "$jobs"
ctest --preset release -j "$jobs"

cmake --preset asan >/dev/null
cmake --build --preset asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --preset asan -j "$jobs"

# Then a short fuzz run: each libFuzzer target for a few seconds on a copy of its corpus, any finding fails (clang;
# only the fuzz targets and the libraries under them are built). README.md, "Fuzzing", has the longer runs.
scripts/fuzz.sh 5
