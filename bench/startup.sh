#!/usr/bin/env bash
# Start-up of the release binary against nbdinfo, measured in the same run (docs/RELEASE.md):
#   replica-audit --help                 vs  nbdinfo --version     (start-up alone)
#   replica-audit inspect --format json  vs  nbdinfo --json        (start-up + one probe)
# on the seed incident's contaminated volume, served by nbdkit on a Unix socket. Prints the
# means, the ratios (goal: inspect <= 2x nbdinfo), the peak RSS of --help, and the binary's
# size and NEEDED libraries.
#
# usage: bench/startup.sh [RUNS] [BINARY]   (default 50 runs; the binary defaults to `make
#        release`'s, built first; give another binary, e.g. a dynamically linked
#        .build/release/replica-audit, to compare)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh bench
runs=${1:-50}
bin=${2:-}
for t in nbdkit nbdinfo python3 hyperfine; do
  command -v "$t" >/dev/null || { echo "bench: '$t' is missing (run 'scripts/deps.sh bench')" >&2; exit 2; }
done
if [ -z "$bin" ]; then
  echo "building release (make release)…" >&2
  make -s release >&2
  bin=.build-release/release/replica-audit
fi
[ -x "$bin" ] || { echo "bench: $bin is not an executable" >&2; exit 2; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")

work=$(mktemp -d "${TMPDIR:-/var/tmp}/ra-startup-XXXXXX")
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
Fixtures/make-seed.sh "$work" >/dev/null
sock="$work/vol.sock"
nbdkit -f --exit-with-parent -U "$sock" file "file=$work/vol2000-contaminated.img" &
pid=$!
for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.05; done
[ -S "$sock" ] || { echo "bench: nbdkit did not start" >&2; exit 1; }
uri="nbd+unix:///?socket=$sock"
# Each must succeed before it is timed.
"$bin" --help >/dev/null && "$bin" inspect --format json "$uri" >/dev/null && nbdinfo --json "$uri" >/dev/null

hyperfine -N --warmup 5 --runs "$runs" --style basic --export-json "$work/times.json" \
  -n help "$bin --help" -n nbdinfo-version "nbdinfo --version" \
  -n inspect "$bin inspect --format json $uri" -n nbdinfo-json "nbdinfo --json $uri" >&2
rss=$( { /usr/bin/time -f %M "$bin" --help >/dev/null; } 2>&1 | tail -1)
python3 - "$work/times.json" "$bin" "$rss" <<'PY'
import json, os, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
ms = lambda k: r[k]["mean"] * 1000
sd = lambda k: r[k]["stddev"] * 1000
cpu = lambda k: (r[k]["user"] + r[k]["system"]) * 1000
print(f"binary: {sys.argv[2]} ({os.path.getsize(sys.argv[2]) / 1048576:.1f} MiB)")
# Wall time and CPU time (user + system): on a busy machine CPU time is the steadier figure.
print(f"replica-audit --help:  {ms('help'):6.1f} ms ± {sd('help'):.1f}  cpu {cpu('help'):5.1f} ms  peak RSS {int(sys.argv[3]) / 1024:.1f} MiB")
print(f"nbdinfo --version:     {ms('nbdinfo-version'):6.1f} ms ± {sd('nbdinfo-version'):.1f}  cpu {cpu('nbdinfo-version'):5.1f} ms")
print(f"inspect --format json: {ms('inspect'):6.1f} ms ± {sd('inspect'):.1f}  cpu {cpu('inspect'):5.1f} ms")
print(f"nbdinfo --json:        {ms('nbdinfo-json'):6.1f} ms ± {sd('nbdinfo-json'):.1f}  cpu {cpu('nbdinfo-json'):5.1f} ms")
print(f"ratio --help / nbdinfo --version: wall {ms('help') / ms('nbdinfo-version'):.2f}, cpu {cpu('help') / cpu('nbdinfo-version'):.2f}")
print(f"ratio inspect / nbdinfo --json:   wall {ms('inspect') / ms('nbdinfo-json'):.2f}, cpu {cpu('inspect') / cpu('nbdinfo-json'):.2f}  (goal: <= 2.00)")
PY
echo "NEEDED: $(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')"
