#!/usr/bin/env bash
# Content-check benchmark (issue 5), run by hand, not in CI. Every figure is measured in
# one run on the same nbdkit exports (nbd+unix, page cache warm), and printed with ratios.
#
#   1 dense   2 GiB of identical random data: replica-audit compare vs qemu-img compare -f raw -F raw
#   2 sparse  115 GiB with ~1% allocated, the same pair of commands
#   3 sample  the sampled check of a 115 GiB disk (compare --sample), and verify --content
#             sample of the seed VM (115 GiB + 10 GiB, live sources) against --content none
#   4 memory  peak RSS of compare on the dense pair (/usr/bin/time -v)
#   5 limit   nbdcopy SOURCE null: on one side, and compare's throughput as a ratio of it
#
# usage: bench/content.sh [WORKDIR]   (default: a fresh directory under /var/tmp, removed after)
#        RUNS=N (default 5) runs per timed figure; SKIP_BUILD=1 reuses .build-release; KEEP=1 keeps WORKDIR
# Needs: nbdkit, qemu-img, nbdcopy, /usr/bin/time, python3; ~3.2 GiB of free disk.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/deps.sh" bench
runs=${RUNS:-5}
for t in nbdkit qemu-img nbdcopy python3; do command -v "$t" >/dev/null || { echo "missing $t" >&2; exit 2; }; done
[ -x /usr/bin/time ] || { echo "missing /usr/bin/time (apt-get install time)" >&2; exit 2; }

if [ -z "${SKIP_BUILD:-}" ]; then  # SKIP_BUILD=1 reuses the last release build
  echo "building release…" >&2
  (cd "$here" && swift build -c release --scratch-path .build-release --product replica-audit >&2)
fi
bin="$here/.build-release/release/replica-audit"

work=${1:-$(mktemp -d /var/tmp/ra-bench-XXXXXX)}
mkdir -p "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -z "${1:-}" ] && rm -rf "$work"
}
trap 'cleanup ${KEEP:-}' EXIT

serve() {  # serve NAME IMAGE: nbdkit on $work/NAME.sock, started from this shell
  local sock="$work/$1.sock"
  nbdkit -f --exit-with-parent -U "$sock" file "$2" >/dev/null 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.05; done
}
uri() { echo "nbd+unix:///?socket=$work/$1.sock"; }

# once KEY CMD…: runs CMD once (exit 0, or 1 for "different", never expected here),
# appending "elapsed user sys" to $work/KEY.times.
once() {
  local key=$1; shift
  /usr/bin/time -f "%e %U %S" -o "$work/time" "$@" >/dev/null 2>&1 || [ $? -eq 1 ] || { echo "failed: $*" >&2; exit 1; }
  cat "$work/time" >> "$work/$key.times"
}
# median KEY / cpu KEY: median elapsed seconds / median client user+sys seconds of KEY's runs.
median() { python3 -c "import statistics as s; print('%.2f' % s.median(float(l.split()[0]) for l in open('$work/$1.times')))"; }
cpu() { python3 -c "import statistics as s; print('%.2f' % s.median(float(l.split()[1]) + float(l.split()[2]) for l in open('$work/$1.times')))"; }
ratio() { python3 -c "a,b=float('$1'),float('$2'); print('%.2f' % (a/b if b else float('inf')))"; }
rate()  { python3 -c "print('%.2f' % ($1 / 1073741824 / max(float('$2'), 1e-9)))"; }

echo "making images in $work…" >&2
# 1. dense: 2 GiB of random data, identical on both sides.
head -c 2G /dev/urandom > "$work/dense-a.img"
cp "$work/dense-a.img" "$work/dense-b.img"
# 2. sparse: 115 GiB with 115 random 10 MiB extents, one per GiB (1.12 GiB allocated, ~1%).
truncate -s 115G "$work/sparse-a.img"
head -c 1150M /dev/urandom > "$work/chunk"
for i in $(seq 0 114); do
  dd if="$work/chunk" of="$work/sparse-a.img" bs=1M count=10 skip=$((i * 10)) seek=$((i * 1024 + 512)) conv=notrunc status=none
done
rm -f "$work/chunk"
cp --sparse=always "$work/sparse-a.img" "$work/sparse-b.img"
# 3. the seed incident's disks (115 GiB + 10 GiB, GPT, filesystems), correct replicas.
"$here/Fixtures/make-seed.sh" "$work/seed" > /dev/null

serve da "$work/dense-a.img"; serve db "$work/dense-b.img"
serve sa "$work/sparse-a.img"; serve sb "$work/sparse-b.img"
da=$(uri da); db=$(uri db); sa=$(uri sa); sb=$(uri sb)
for n in disk2000 disk2001 vol2000 vol2001; do serve "$n" "$work/seed/$n.img"; done
# A fully allocated 115 GiB disk on both sides: nbdkit's random plugin (same seed = same
# bytes; it generates data per request, so the server's CPU is part of this figure).
for n in ra rb; do
  nbdkit -f --exit-with-parent -U "$work/$n.sock" random size=115G seed=7 >/dev/null 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do [ -S "$work/$n.sock" ] && break; sleep 0.05; done
done
manifest="$here/Fixtures/inventories/pgtest1-manifest.json"
verify_args=(verify --inventory "$manifest" --target "2000=$(uri vol2000)" --target "2001=$(uri vol2001)"
             --source "2000=$(uri disk2000)" --source "2001=$(uri disk2001)" --report-dir "$work/reports")
# Warm the page cache.
cat "$work/dense-a.img" "$work/dense-b.img" > /dev/null

# Sanity: both tools must say identical (exit 0) before anything is timed.
"$bin" compare "$da" "$db" --no-progress > /dev/null
qemu-img compare -f raw -F raw "$da" "$db" > /dev/null
"$bin" compare "$sa" "$sb" --no-progress > /dev/null
qemu-img compare -f raw -F raw "$sa" "$sb" > /dev/null

# The machine is shared: runs of the tools are interleaved so load hits them alike, and
# the median of $runs runs is reported.
for _ in $(seq "$runs"); do
  once dense_ra "$bin" compare "$da" "$db" --no-progress
  once dense_qemu qemu-img compare -f raw -F raw "$da" "$db"
  once sparse_ra "$bin" compare "$sa" "$sb" --no-progress
  once sparse_qemu qemu-img compare -f raw -F raw "$sa" "$sb"
  once sample_ra "$bin" compare --sample --seed 1 "$sa" "$sb"
  once sample_full "$bin" compare --sample --seed 1 "$(uri ra)" "$(uri rb)"
  once verify_none "$bin" "${verify_args[@]}" --content none
  once verify_sample "$bin" "${verify_args[@]}" --content sample
  once copy_null nbdcopy "$da" null:
done
for k in dense_ra dense_qemu sparse_ra sparse_qemu sample_ra sample_full verify_none verify_sample copy_null; do
  printf -v "$k" '%s' "$(median $k)"
  printf -v "${k}_cpu" '%s' "$(cpu $k)"
done
/usr/bin/time -v "$bin" compare "$da" "$db" --no-progress > /dev/null 2> "$work/rss"
rss_kib=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$work/rss")
blocks=$("$bin" compare --sample --seed 1 --format json "$sa" "$sb" | python3 -c 'import json,sys; print(json.load(sys.stdin)["check"]["blocksCompared"])')

dense_bytes=$((2 * 1024 * 1024 * 1024))
echo
echo "replica-audit content benchmark — $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs, load $(cut -d" " -f1-3 /proc/loadavg), median of $runs interleaved runs"
printf '%-58s %10s\n' "figure" "value"
printf '%-58s %9ss   (client CPU %ss)\n' "1 dense 2 GiB: replica-audit compare" "$dense_ra" "$dense_ra_cpu"
printf '%-58s %9ss   (client CPU %ss)\n' "1 dense 2 GiB: qemu-img compare" "$dense_qemu" "$dense_qemu_cpu"
printf '%-58s %9sx   (goal >= 1.5)\n' "1 dense: speed-up over qemu-img" "$(ratio "$dense_qemu" "$dense_ra")"
printf '%-58s %6s GiB/s\n' "1 dense: replica-audit throughput" "$(rate $dense_bytes "$dense_ra")"
printf '%-58s %6s GiB/s\n' "1 dense: qemu-img throughput" "$(rate $dense_bytes "$dense_qemu")"
printf '%-58s %9ss   (client CPU %ss)\n' "2 sparse 115 GiB (1.12 GiB allocated): replica-audit" "$sparse_ra" "$sparse_ra_cpu"
printf '%-58s %9ss   (client CPU %ss)\n' "2 sparse 115 GiB: qemu-img compare" "$sparse_qemu" "$sparse_qemu_cpu"
printf '%-58s %9sx   (goal >= 1, and < 2 s)\n' "2 sparse: speed-up over qemu-img" "$(ratio "$sparse_qemu" "$sparse_ra")"
printf '%-58s %9ss   (goal < 1 s; %s blocks)\n' "3 sampled check of the 115 GiB disk (compare --sample)" "$sample_ra" "$blocks"
printf '%-58s %9ss   (goal < 1 s per disk; both disks read)\n' "3 sampled check, fully allocated 115 GiB (random plugin)" "$sample_full"
printf '%-58s %9ss\n' "3 verify --content none, seed VM (115 GiB + 10 GiB disks)" "$verify_none"
printf '%-58s %9ss   (goal < 1 s per disk)\n' "3 verify --content sample, same VM (sources live)" "$verify_sample"
printf '%-58s %9ss\n' "3 sampled content check's share, per disk" "$(python3 -c "print('%.2f' % ((float('$verify_sample') - float('$verify_none')) / 2))")"
printf '%-58s %6s MiB   (goal <= 64)\n' "4 peak RSS of compare on the 2 GiB pair" "$(python3 -c "print('%.1f' % ($rss_kib / 1024))")"
printf '%-58s %9ss\n' "5 nbdcopy SOURCE null: (2 GiB, one side)" "$copy_null"
printf '%-58s %6s GiB/s\n' "5 nbdcopy read rate (one side)" "$(rate $dense_bytes "$copy_null")"
printf '%-58s %9s    (compare reads both sides)\n' "5 compare throughput / nbdcopy rate" "$(ratio "$copy_null" "$dense_ra")"
printf '%-58s %9s    (2 × nbdcopy time / compare time)\n' "5 compare vs reading both sides at nbdcopy's rate" "$(python3 -c "print('%.2f' % (2 * float('$copy_null') / float('$dense_ra')))")"
