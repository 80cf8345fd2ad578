#!/usr/bin/env bash
# Runs the libFuzzer targets, each for SECONDS, on a copy of its corpus (tests/data/fuzz/<target>/, seeds and kept
# findings; pending/ left out), so the repository is never written. Builds them first (`fuzz` preset, clang).
#   scripts/fuzz.sh [SECONDS] [TARGET...]     default: 5 seconds, every target
# Prints executions and coverage per target. A crash, leak, timeout, out-of-memory or broken invariant fails the
# script and leaves the input in the work folder it prints (README.md, "Fuzzing", says how to keep it).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
[[ $# -gt 0 ]] && shift
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  targets=(csv_ingest model_bundle trade_json ws_message http_request config llm_answer)
fi
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$(nproc)" --target "${targets[@]/%/_fuzz}"

# UBSan reports are findings too (by default it prints and goes on).
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1
work=$(mktemp -d "${TMPDIR:-/tmp}/recon-fuzz.XXXXXX")
failed=()
for target in "${targets[@]}"; do
  mkdir -p "$work/$target/corpus" "$work/$target/findings"
  find "tests/data/fuzz/$target" -maxdepth 1 -type f -exec cp {} "$work/$target/corpus/" \;
  log="$work/$target/fuzz.log"
  dict=()
  case "$target" in
    trade_json | ws_message | llm_answer) dict=(-dict=tests/fuzz/dict/json.dict) ;;
    http_request) dict=(-dict=tests/fuzz/dict/http.dict) ;;
    config) dict=(-dict=tests/fuzz/dict/yaml.dict) ;;
  esac
  if build/fuzz/tests/fuzz/"${target}"_fuzz -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 "${dict[@]}" \
      -print_final_stats=1 -artifact_prefix="$work/$target/findings/" "$work/$target/corpus" >"$log" 2>&1; then
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    final=$(grep -E '^#[0-9]+.*(cov|ft):' "$log" | tail -1 | grep -oE '(cov|ft|corp): [^ ]+' | tr '\n' ' ')
    printf 'fuzz: %-13s %4ss  %9s execs  %s\n' "$target" "$seconds" "$execs" "$final"
  else
    failed+=("$target")
    echo "fuzz: $target FAILED; input and log in $work/$target/" >&2
    grep -E 'ERROR|SUMMARY|what\(\)|Test unit written|#[0-9]+ +in ' "$log" | head -20 >&2 || tail -30 "$log" >&2
  fi
done
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz: findings in ${failed[*]} (work folder $work)" >&2
  exit 1
fi
rm -rf "$work"
