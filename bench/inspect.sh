#!/usr/bin/env bash
# Times `replica-audit inspect --format json` against `nbdinfo --json` (the peer) in one run,
# on the same nbdkit exports, and prints both times and their ratio (issue 17):
#
#   1 local   the seed incident's five images, each on its own nbdkit Unix socket
#             (goal: inspect within 2x of nbdinfo)
#   2 delayed the contaminated seed volume behind nbdkit's delay filter, which adds 20 ms to
#             every read and block-status request (delay-read=20ms delay-extents=20ms), as a
#             WAN link would (goal: inspect <= 150 ms); also the probe's round trips
#             (probe.roundTrips), and the same with nbdkit's default 16 threads, where the
#             filter's sleeping threads, not the link, bound how many requests overlap
#   3 bytes   what inspect of the contaminated volume reads over the wire (nbdkit's log
#             filter counts the requests), and nbdcopy reading that many bytes from another
#             nbdkit: a peer that moves the same bytes, the floor of what reading them costs
#
# usage: bench/inspect.sh [RUNS]      (default 30; uses hyperfine when installed)
#        BIN=PATH uses that replica-audit binary instead of building the release one
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh bench
runs=${1:-30}
for t in nbdkit nbdinfo python3; do
  command -v "$t" >/dev/null || { echo "bench: '$t' is missing (run 'make deps')" >&2; exit 2; }
done

if [ -n "${BIN:-}" ]; then
  bin=$BIN
else
  echo "building release (.build-release)…" >&2
  # A statically linked Swift runtime starts in a third of the time of the dynamic one.
  swift build -c release --scratch-path .build-release --static-swift-stdlib --product replica-audit >&2
  bin=$(swift build -c release --scratch-path .build-release --static-swift-stdlib --show-bin-path)/replica-audit
fi

work=$(mktemp -d "${TMPDIR:-/var/tmp}/ra-bench-XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

serve() {  # serve NAME nbdkit-arguments…: nbdkit on $work/NAME.sock, started from this shell
  local sock="$work/$1.sock"; shift
  nbdkit -f --exit-with-parent -U "$sock" "$@" &
  pids+=($!)
  for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.05; done
  [ -S "$sock" ] || { echo "bench: nbdkit for $sock did not start" >&2; exit 1; }
}

Fixtures/make-seed.sh "$work" >/dev/null
uris=()
for img in disk2000 disk2001 vol2000 vol2001 vol2000-contaminated; do
  serve "$img" file "file=$work/$img.img"
  uris+=("nbd+unix:///?socket=$work/$img.sock")
done
delay=(--filter=delay file "file=$work/vol2000-contaminated.img" delay-read=20ms delay-extents=20ms)
serve delayed --threads=256 "${delay[@]}"
serve delayed16 "${delay[@]}"
delayed="nbd+unix:///?socket=$work/delayed.sock"
delayed16="nbd+unix:///?socket=$work/delayed16.sock"
contaminated="nbd+unix:///?socket=$work/vol2000-contaminated.sock"

# 3: the requests inspect sends, from nbdkit's log of them, and a file of that many bytes.
serve logged --filter=log file "file=$work/vol2000-contaminated.img" "logfile=$work/requests.log"
"$bin" inspect --format json "nbd+unix:///?socket=$work/logged.sock" >/dev/null
read -r wire_reads wire_bytes wire_extents < <(python3 - "$work/requests.log" <<'PY'
import re, sys
reads = size = extents = 0
for line in open(sys.argv[1]):
    if line.rstrip().endswith("..."):
        if " Read " in line:
            reads += 1
            size += int(re.search(r"count=(0x[0-9a-f]+|[0-9]+)", line).group(1), 0)
        elif " Extents " in line:
            extents += 1
print(reads, size, extents)
PY
)
head -c "$wire_bytes" /dev/urandom > "$work/transfer.img"
serve transfer file "file=$work/transfer.img"
transfer="nbd+unix:///?socket=$work/transfer.sock"

inspect_all="for u in ${uris[*]}; do '$bin' inspect --format json \"\$u\" >/dev/null; done"
nbdinfo_all="for u in ${uris[*]}; do nbdinfo --json \"\$u\" >/dev/null; done"
# Every command must succeed before it is timed.
bash -c "$inspect_all" && bash -c "$nbdinfo_all"
trips=$("$bin" inspect --format json "$delayed" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("roundTrips"))')

commands=(
  "inspect local (5 targets)" "$inspect_all"
  "nbdinfo local (5 targets)" "$nbdinfo_all"
  "inspect delayed" "'$bin' inspect --format json '$delayed' >/dev/null"
  "nbdinfo delayed" "nbdinfo --json '$delayed' >/dev/null"
  "inspect delayed, 16 server threads" "'$bin' inspect --format json '$delayed16' >/dev/null"
  "inspect contaminated" "'$bin' inspect --format json '$contaminated' >/dev/null"
  "nbdinfo contaminated" "nbdinfo --json '$contaminated' >/dev/null"
  "nbdcopy of inspect's bytes" "nbdcopy '$transfer' null:"
)
echo "targets: ${#uris[@]} seed images over nbd+unix, and the contaminated one behind a 20 ms delay; runs: $runs"
if command -v hyperfine >/dev/null; then
  args=()
  for ((i = 0; i < ${#commands[@]}; i += 2)); do args+=(-n "${commands[i]}" "${commands[i+1]}"); done
  hyperfine --shell=bash --warmup 3 --runs "$runs" --style basic --export-json "$work/times.json" "${args[@]}" >&2
  python3 - "$work/times.json" > "$work/means" <<'PY'
import json, sys
for x in json.load(open(sys.argv[1]))["results"]:
    print(f'{x["mean"]:.6f}\t{x["stddev"]:.6f}\t{x["command"]}')
PY
else
  : > "$work/means"
  for ((i = 0; i < ${#commands[@]}; i += 2)); do
    bash -c "${commands[i+1]}"  # warm-up
    start=$(date +%s%N)
    for _ in $(seq "$runs"); do bash -c "${commands[i+1]}"; done
    end=$(date +%s%N)
    printf '%s\t0\t%s\n' "$(python3 -c "print(($end - $start) / $runs / 1e9)")" "${commands[i]}" >> "$work/means"
  done
fi
python3 - "$work/means" "$trips" "$wire_reads" "$wire_bytes" "$wire_extents" <<'PY'
import sys
means = {}
for line in open(sys.argv[1]):
    mean, sd, name = line.rstrip("\n").split("\t")
    means[name] = (float(mean), float(sd))
def ms(name): return f'{means[name][0]*1000:7.1f} ms ± {means[name][1]*1000:.1f}'
for name in means: print(f'{name:40s} {ms(name)}')
il, nl = means["inspect local (5 targets)"][0], means["nbdinfo local (5 targets)"][0]
idl, ndl = means["inspect delayed"][0], means["nbdinfo delayed"][0]
print(f'ratio inspect/nbdinfo, local:   {il/nl:.2f}  (goal: <= 2.00)')
print(f'ratio inspect/nbdinfo, delayed: {idl/ndl:.2f}')
print(f'inspect over the 20 ms link:    {idl*1000:.0f} ms  (goal: <= 150 ms); probe.roundTrips = {sys.argv[2]}')
ic, nc, cc = (means[n][0] for n in ("inspect contaminated", "nbdinfo contaminated", "nbdcopy of inspect's bytes"))
print(f'inspect of the contaminated volume reads {int(sys.argv[4]) / 1e6:.2f} MB in {sys.argv[3]} reads '
      f'and {sys.argv[5]} block-status requests')
print(f'ratio inspect/nbdinfo, contaminated volume:            {ic/nc:.2f}')
print(f'ratio inspect/nbdcopy of the same bytes (the floor):  {ic/cc:.2f}')
PY
