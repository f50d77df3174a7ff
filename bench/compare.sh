#!/usr/bin/env bash
# Guards `replica-audit compare`'s read rate (issue 17). In one run, on the same nbdkit
# exports (nbd+unix, page cache warm), with the runs of the tools interleaved:
#
#   compare    replica-audit compare A B, two identical SIZE images filled with data
#              (made sparse, then written through: every block allocated, no holes to skip)
#   nbdcopy    `nbdcopy A null:` and `nbdcopy B null:` side by side: the rate at which
#              libnbd's own copier reads both sides at once — the peer to match
#   qemu-img   `qemu-img compare -f raw -F raw A B` over the same exports
#
# Prints the median times, the rates, and the ratios; exits 1 when compare reads at less
# than 0.8x the rate of the two nbdcopy side by side (GUARD=0.8 to change).
#
# usage: bench/compare.sh [WORKDIR]     (default: a fresh directory under /var/tmp, removed after)
#        SIZE=4G (4G..8G) per image; RUNS=3 runs per figure; BIN=PATH uses that binary
#        instead of building the release one; KEEP=1 keeps WORKDIR
# Needs: nbdkit, nbdcopy, qemu-img, python3, /usr/bin/time; 2 x SIZE of free disk.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/deps.sh" bench
size=${SIZE:-4G}; runs=${RUNS:-3}; guard=${GUARD:-0.8}
for t in nbdkit nbdcopy qemu-img python3; do command -v "$t" >/dev/null || { echo "missing $t" >&2; exit 2; }; done
[ -x /usr/bin/time ] || { echo "missing /usr/bin/time (apt-get install time)" >&2; exit 2; }

if [ -n "${BIN:-}" ]; then
  bin=$BIN
else
  echo "building release (.build-release)…" >&2
  (cd "$here" && swift build -c release --scratch-path .build-release --static-swift-stdlib --product replica-audit >&2)
  bin=$(cd "$here" && swift build -c release --scratch-path .build-release --static-swift-stdlib --show-bin-path)/replica-audit
fi

work=${1:-$(mktemp -d /var/tmp/ra-bench-XXXXXX)}
mkdir -p "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT

echo "making two $size images in $work…" >&2
truncate -s "$size" "$work/a.img"
bytes=$(stat -c %s "$work/a.img")
head -c 64M /dev/urandom > "$work/chunk"
for ((i = 0; i < bytes / (64 << 20); i++)); do
  dd if="$work/chunk" of="$work/a.img" bs=64M seek="$i" conv=notrunc status=none
done
rm -f "$work/chunk"
cp "$work/a.img" "$work/b.img"
cat "$work/a.img" "$work/b.img" > /dev/null  # warm the page cache

for n in a b; do
  nbdkit -f --exit-with-parent -U "$work/$n.sock" file "file=$work/$n.img" >/dev/null 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do [ -S "$work/$n.sock" ] && break; sleep 0.05; done
done
a="nbd+unix:///?socket=$work/a.sock"; b="nbd+unix:///?socket=$work/b.sock"

# once KEY CMD…: runs CMD once (exit 0 expected: the images are identical), appending its
# elapsed seconds to $work/KEY.times.
once() {
  local key=$1; shift
  /usr/bin/time -f "%e" -o "$work/time" "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 2; }
  cat "$work/time" >> "$work/$key.times"
}
both_nbdcopy() { nbdcopy "$a" null: & local p=$!; nbdcopy "$b" null:; wait "$p"; }
export -f both_nbdcopy; export a b

"$bin" compare "$a" "$b" --no-progress >/dev/null
for _ in $(seq "$runs"); do
  once compare "$bin" compare "$a" "$b" --no-progress
  once nbdcopy bash -c both_nbdcopy
  once qemu qemu-img compare -f raw -F raw "$a" "$b"
done

python3 - "$work" "$bytes" "$guard" "$runs" <<'PY'
import statistics, sys
work, size, guard, runs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
t = {k: statistics.median(float(l) for l in open(f"{work}/{k}.times")) for k in ("compare", "nbdcopy", "qemu")}
gib = lambda s: 2 * size / 2**30 / s
print(f"two {size / 2**30:.1f} GiB images filled with data, both sides read; median of {runs} interleaved runs")
print(f"replica-audit compare            {t['compare']:7.2f} s  {gib(t['compare']):6.2f} GiB/s")
print(f"2 x nbdcopy … null: side by side {t['nbdcopy']:7.2f} s  {gib(t['nbdcopy']):6.2f} GiB/s")
print(f"qemu-img compare                 {t['qemu']:7.2f} s  {gib(t['qemu']):6.2f} GiB/s")
ratio = t["nbdcopy"] / t["compare"]
print(f"compare rate / nbdcopy rate:     {ratio:.2f}  (guard: >= {guard})")
print(f"speed-up over qemu-img compare:  {t['qemu'] / t['compare']:.2f}")
if ratio < guard:
    print(f"FAIL: compare reads at {ratio:.2f}x the rate of nbdcopy, below the {guard}x guard", file=sys.stderr)
    sys.exit(1)
PY
