#!/usr/bin/env bash
# Times `verify --canary` on the seed incident's canary (issue 14): a 115 GiB and a 10 GiB
# canary disk made by `canary create`, each served by its own nbdkit on a Unix socket. Prints
# the scan time of the 115 GiB disk (about 1,850 canary blocks, from report.json's
# canary.disks[].seconds; goal <= 1 s), the whole verify's wall time, and, measured in the
# same run on the same export, `nbdinfo --map` (a block-status walk of the whole disk) and the
# ratio between them.
#
# usage: bench/canary.sh [RUNS]      (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh bench
runs=${1:-10}
for t in nbdkit nbdinfo python3; do
  command -v "$t" >/dev/null || { echo "bench: '$t' is missing (run 'make deps')" >&2; exit 2; }
done

if [ -n "${REPLICA_AUDIT_BIN:-}" ]; then
  bin=$REPLICA_AUDIT_BIN
else
  echo "building release (.build-release)…" >&2
  swift build -c release --scratch-path .build-release --static-swift-stdlib --product replica-audit >&2
  bin=$(swift build -c release --scratch-path .build-release --static-swift-stdlib --show-bin-path)/replica-audit
fi

work=$(mktemp -d "${TMPDIR:-/var/tmp}/ra-bench-canary-XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

"$bin" canary create --vm pgtest1 --disk "2000:115GiB:Hard disk 1" --disk "2001:10GiB:Hard disk 2" \
  --output "$work/canary" --seed 14 >/dev/null
for key in 2000 2001; do
  sock="$work/$key.sock"
  nbdkit -f --exit-with-parent -U "$sock" file "file=$work/canary/$key.img" &
  pids+=($!)
  for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.05; done
  [ -S "$sock" ] || { echo "bench: nbdkit for $key did not start" >&2; exit 1; }
done
targets="2000:nbd+unix:///?socket=$work/2000.sock,2001:nbd+unix:///?socket=$work/2001.sock"

python3 - "$bin" "$work" "$targets" "$runs" <<'PY'
import json, statistics, subprocess, sys, time
bin, work, targets, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
scan, wall, peer = [], [], []
for i in range(runs + 1):
    start = time.monotonic()
    r = subprocess.run([bin, "verify", "--canary", f"{work}/canary/canary.json", "--nbd-targets", targets,
                        "--report-dir", f"{work}/r", "--no-progress"], capture_output=True, text=True)
    elapsed = time.monotonic() - start
    if r.returncode != 0:
        sys.exit(f"bench: verify --canary exited {r.returncode}: {r.stdout}{r.stderr}")
    disk = next(d for d in json.load(open(f"{work}/r/report.json"))["canary"]["disks"] if d["key"] == "2000")
    start = time.monotonic()
    subprocess.run(["nbdinfo", "--map", f"nbd+unix:///?socket={work}/2000.sock"], check=True, capture_output=True)
    if i == 0:
        blocks = disk["expectedBlocks"]
        continue  # warm-up
    peer.append(time.monotonic() - start)
    scan.append(disk["seconds"])
    wall.append(elapsed)
s, p, w = statistics.median(scan), statistics.median(peer), statistics.median(wall)
print(f"canary scan of disk 2000 (115 GiB, {blocks} blocks, over NBD): median {s*1000:.0f} ms, max {max(scan)*1000:.0f} ms  (goal: <= 1000 ms)")
print(f"whole verify --canary (2 disks, probe + scan + reports): median {w*1000:.0f} ms")
print(f"nbdinfo --map of the same export: median {p*1000:.0f} ms")
print(f"ratio scan / nbdinfo --map: {s/p:.2f}")
PY
