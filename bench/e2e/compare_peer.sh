#!/usr/bin/env bash
# End-to-end batch benchmark: `recon detect` against the Python peer (../shared/peers/seed_py/pipeline.py) on the
# same generated files, in the same run, cold (no model, empty cache) and warm (model present). Wall time and
# peak RSS come from GNU time. Prints a markdown table; bench/RESULTS.md records its output.
#   bench/e2e/compare_peer.sh [SIZES...]        default: 10000 100000 1000000
#   RECON_BIG_ROWS=10000000 bench/e2e/compare_peer.sh   also times recon alone on a 10M-row file
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
peer_dir=${RECON_PEER_DIR:-$root/../shared/peers/seed_py}
recon=$root/build/release/src/recon/cli/recon
work=$root/bench/work
sizes=("$@")
[[ ${#sizes[@]} -eq 0 ]] && sizes=(10000 100000 1000000)
mkdir -p "$work"
[[ -x $recon ]] || { echo "build first: cmake --preset release && cmake --build --preset release" >&2; exit 1; }
[[ -f $peer_dir/pipeline.py ]] || { echo "peer not found at $peer_dir (set RECON_PEER_DIR)" >&2; exit 1; }

measure() {  # measure LABEL DIR COMMAND... -> prints "seconds peak_mb"
  local dir=$2
  shift 2
  (cd "$dir" && /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >"$work/last.log" 2>&1) || { cat "$work/last.log" >&2; exit 1; }
  awk '{printf "%s %.0f\n", $1, $2/1024}' "$work/time.txt"
}

echo "| rows | peer cold s | peer warm s | peer peak MB | recon cold s | recon warm s | recon peak MB | speed-up cold | speed-up warm | memory ratio |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for rows in "${sizes[@]}"; do
  data=$work/trades_$rows.csv
  [[ -f $data ]] || /usr/bin/python3 "$root/tests/tools/gen_recon_data.py" --rows "$rows" --seed 7 --labels --out "$data"
  rm -rf "$work/peer" "$work/recon" && mkdir -p "$work/peer" "$work/recon"
  peer_args=(/usr/bin/python3 "$peer_dir/pipeline.py" --input "$data" --output "$work/peer/out.csv" --model-dir "$work/peer/models" --cache "$work/peer/cache")
  read -r peer_cold peer_cold_mb < <(measure peer "$work/peer" "${peer_args[@]}")
  read -r peer_warm peer_warm_mb < <(measure peer "$work/peer" "${peer_args[@]}")
  read -r recon_cold recon_cold_mb < <(measure recon "$work/recon" "$recon" -q detect "$data" --out "$work/recon/out.csv")
  read -r recon_warm recon_warm_mb < <(measure recon "$work/recon" "$recon" -q detect "$data" --out "$work/recon/out.csv")
  peer_mb=$(( peer_cold_mb > peer_warm_mb ? peer_cold_mb : peer_warm_mb ))
  recon_mb=$(( recon_cold_mb > recon_warm_mb ? recon_cold_mb : recon_warm_mb ))
  awk -v r="$rows" -v pc="$peer_cold" -v pw="$peer_warm" -v pm="$peer_mb" -v rc="$recon_cold" -v rw="$recon_warm" -v rm="$recon_mb" \
    'BEGIN { printf "| %d | %.2f | %.2f | %d | %.2f | %.2f | %d | %.1fx | %.1fx | 1/%.1f |\n", r, pc, pw, pm, rc, rw, rm, pc/rc, pw/rw, pm/rm }'
done

if [[ -n "${RECON_BIG_ROWS:-}" ]]; then
  big=$work/trades_${RECON_BIG_ROWS}.csv
  [[ -f $big ]] || /usr/bin/python3 "$root/tests/tools/gen_recon_data.py" --rows "$RECON_BIG_ROWS" --seed 7 --out "$big"
  rm -rf "$work/recon_big" && mkdir -p "$work/recon_big"
  read -r big_cold big_cold_mb < <(measure recon "$work/recon_big" "$recon" -q detect "$big" --out "$work/recon_big/out.csv")
  read -r big_warm big_warm_mb < <(measure recon "$work/recon_big" "$recon" -q detect "$big" --out "$work/recon_big/out.csv")
  echo
  echo "| rows (recon alone) | file MB | cold s | warm s | peak MB cold | peak MB warm |"
  echo "|---|---|---|---|---|---|"
  echo "| $RECON_BIG_ROWS | $(( $(stat -c %s "$big") / 1048576 )) | $big_cold | $big_warm | $big_cold_mb | $big_warm_mb |"
fi
