#!/usr/bin/env bash
# A wave at scale (README.md, "A wave"): 200 VMs × 3 disks, sparse GPT images served by
# four nbdkit servers (file plugin, dir=: one export per volume, hard links of four
# templates), every tenth VM carrying the seed incident (disk 2000's volume holds disk
# 2001's label). Runs `replica-audit wave --jobs 8` once under /usr/bin/time and prints the
# wall time, the peak RSS and the peak of connections open at once (from nbdkit's log
# filter, merged over the four servers). Goal: ≤ 20 s and ≤ 256 MiB at --jobs 8.
#
# usage: bench/wave.sh [VMS] [JOBS]      (default 200 and 8)
#   BIN=path/to/replica-audit bench/wave.sh   uses that binary instead of building release
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh bench
vms=${1:-200}
jobs=${2:-8}
for t in nbdkit sgdisk python3 /usr/bin/time; do
  command -v "$t" >/dev/null || PATH="$PATH:/usr/sbin:/sbin" command -v "$t" >/dev/null \
    || { echo "bench: '$t' is missing (run 'make deps')" >&2; exit 2; }
done
export PATH="$PATH:/usr/sbin:/sbin"

if [ -z "${BIN:-}" ]; then
  echo "building release (.build-release)…" >&2
  swift build -c release --scratch-path .build-release --static-swift-stdlib --product replica-audit >&2
  BIN=$(swift build -c release --scratch-path .build-release --static-swift-stdlib --show-bin-path)/replica-audit
fi

work=$(mktemp -d "${TMPDIR:-/var/tmp}/ra-wave-bench-XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Templates: disk 2000 (4 GiB, two partitions), 2001 (1 GiB), 2002 (2 GiB), and 2000's
# volume after the incident: 2001's 1 GiB image (label included) on a 4 GiB volume.
t="$work/templates"; mkdir -p "$t"
truncate -s 4G "$t/d2000.img"; sgdisk -n 1:2048:+512M -n 2:0:0 "$t/d2000.img" >/dev/null
truncate -s 1G "$t/d2001.img"; sgdisk -n 1:2048:0 "$t/d2001.img" >/dev/null
truncate -s 2G "$t/d2002.img"; sgdisk -n 1:2048:0 "$t/d2002.img" >/dev/null
cp --sparse=always "$t/d2001.img" "$t/bad2000.img"; truncate -s 4G "$t/bad2000.img"

servers=4
for s in $(seq 0 $((servers - 1))); do mkdir -p "$work/export$s"; done
mkdir -p "$work/inv"
python3 - "$work" "$vms" "$servers" <<'EOF'
import os, sys
work, vms, servers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
sizes = {2000: 4 << 30, 2001: 1 << 30, 2002: 2 << 30}
lines = ["wave: bench", "content: none", "vms:"]
for i in range(vms):
    name = f"vm{i:04d}"
    s = i % servers
    sock = f"{work}/export{s}/../sock{s}"
    with open(f"{work}/inv/{name}.yaml", "w") as f:
        f.write(f"manifestVersion: 1\nvm:\n  name: {name}\ndisks:\n")
        for n, (key, size) in enumerate(sizes.items()):
            f.write(f"  - {{key: {key}, label: Hard disk {n + 1}, capacityBytes: {size}}}\n")
    lines.append(f"  - inventory: inv/{name}.yaml")
    lines.append("    targets:")
    for key in sizes:
        template = "bad2000" if key == 2000 and i % 10 == 3 else f"d{key}"
        os.link(f"{work}/templates/{template}.img", f"{work}/export{s}/{name}-{key}.img")
        lines.append(f"      {key}: \"nbd+unix:///{name}-{key}.img?socket={os.path.normpath(sock)}\"")
with open(f"{work}/wave.yaml", "w") as f:
    f.write("\n".join(lines) + "\n")
EOF

for s in $(seq 0 $((servers - 1))); do
  sock="$work/sock$s"
  nbdkit -f --exit-with-parent -U "$sock" --filter=log file "dir=$work/export$s" "logfile=$work/log$s" &
  pids+=($!)
  for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.05; done
  [ -S "$sock" ] || { echo "bench: nbdkit $s did not start" >&2; exit 1; }
done

echo "wave of $vms VMs × 3 disks on $servers nbdkit servers, --jobs $jobs…" >&2
set +e
/usr/bin/time -v -o "$work/time.txt" "$BIN" wave "$work/wave.yaml" --jobs "$jobs" --report-dir "$work/out" >"$work/stdout.txt" 2>"$work/stderr.txt"
status=$?
set -e
for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
wait 2>/dev/null || true
pids=()

python3 - "$work" "$status" "$jobs" <<'EOF'
import json, re, sys, glob
work, status, jobs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
timing = open(f"{work}/time.txt").read()
wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", timing).group(1)
parts = [float(p) for p in wall.split(":")]
seconds = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
rss_kib = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", timing).group(1))
events = []
for log in glob.glob(f"{work}/log*"):
    for line in open(log):
        w = line.split()
        if len(w) >= 4 and w[2].startswith("connection="):
            if w[3] == "Connect": events.append((w[0] + " " + w[1], 1))
            elif w[3] == "Disconnect": events.append((w[0] + " " + w[1], -1))
events.sort(key=lambda e: (e[0], e[1]))
open_now = peak = 0
for _, d in events:
    open_now += d
    peak = max(peak, open_now)
connects = sum(1 for _, d in events if d == 1)
try:
    wave = json.load(open(f"{work}/out/wave.json"))
    counts = wave["counts"]
except Exception as error:
    print(open(f"{work}/stderr.txt").read(), file=sys.stderr)
    sys.exit(f"bench: no wave.json ({error}); exit {status}")
print(f"exit status            {status} (verdict {wave['verdict']}: {counts['fail']} fail, "
      f"{counts['inconclusive']} inconclusive, {counts['pass']} pass)")
print(f"wall time              {seconds:.2f} s   (goal ≤ 20 s)")
print(f"peak RSS               {rss_kib / 1024:.1f} MiB   (goal ≤ 256 MiB)")
print(f"peak open connections  {peak}   (--jobs {jobs}; {connects} connections in all)")
EOF
