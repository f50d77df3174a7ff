#!/usr/bin/env bash
# Times `replica-audit inspect --format json` against `nbdinfo --json` on the same NBD
# targets in one run: the seed incident's five images, each served by its own nbdkit on a
# Unix socket. Prints both mean times and the ratio (goal: inspect within 2x of nbdinfo).
#
# usage: bench/inspect.sh [RUNS]      (default 30; uses hyperfine when installed)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh bench
runs=${1:-30}
for t in nbdkit nbdinfo python3; do
  command -v "$t" >/dev/null || { echo "bench: '$t' is missing (run 'make deps')" >&2; exit 2; }
done

echo "building release (.build-release)…" >&2
# A statically linked Swift runtime starts in a third of the time of the dynamic one.
swift build -c release --scratch-path .build-release --static-swift-stdlib --product replica-audit >&2
bin=$(swift build -c release --scratch-path .build-release --static-swift-stdlib --show-bin-path)/replica-audit

work=$(mktemp -d "${TMPDIR:-/var/tmp}/ra-bench-XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

Fixtures/make-seed.sh "$work" >/dev/null
uris=()
for img in disk2000 disk2001 vol2000 vol2001 vol2000-contaminated; do
  sock="$work/$img.sock"
  nbdkit -f --exit-with-parent -U "$sock" file "file=$work/$img.img" &
  pids+=($!)
  for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.05; done
  [ -S "$sock" ] || { echo "bench: nbdkit for $img did not start" >&2; exit 1; }
  uris+=("nbd+unix:///?socket=$sock")
done

inspect_all="for u in ${uris[*]}; do '$bin' inspect --format json \"\$u\" >/dev/null; done"
nbdinfo_all="for u in ${uris[*]}; do nbdinfo --json \"\$u\" >/dev/null; done"
# Both must succeed before they are timed.
bash -c "$inspect_all" && bash -c "$nbdinfo_all"

echo "targets: ${#uris[@]} seed images over nbd+unix; runs: $runs"
if command -v hyperfine >/dev/null; then
  hyperfine --shell=bash --warmup 3 --runs "$runs" --style basic --export-json "$work/times.json" \
    -n "replica-audit inspect --format json" "$inspect_all" \
    -n "nbdinfo --json" "$nbdinfo_all" >&2
  python3 - "$work/times.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
i, n = r["replica-audit inspect --format json"], r["nbdinfo --json"]
print(f"inspect: {i['mean']*1000:.1f} ms ± {i['stddev']*1000:.1f} (all 5 targets)")
print(f"nbdinfo: {n['mean']*1000:.1f} ms ± {n['stddev']*1000:.1f} (all 5 targets)")
print(f"ratio inspect/nbdinfo: {i['mean']/n['mean']:.2f}  (goal: <= 2.00)")
PY
else
  measure() {
    local start end
    start=$(date +%s%N)
    for _ in $(seq "$runs"); do bash -c "$1"; done
    end=$(date +%s%N)
    echo $(( (end - start) / runs / 1000 ))
  }
  bash -c "$inspect_all"; bash -c "$nbdinfo_all"  # warm-up
  i=$(measure "$inspect_all"); n=$(measure "$nbdinfo_all")
  echo "inspect: $((i / 1000)) ms (all 5 targets)"
  echo "nbdinfo: $((n / 1000)) ms (all 5 targets)"
  python3 -c "print(f'ratio inspect/nbdinfo: {$i/$n:.2f}  (goal: <= 2.00)')"
fi
