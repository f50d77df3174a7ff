#!/usr/bin/env bash
# make demo: rebuilds the seed incident (Fixtures/make-seed.sh), serves the volumes with
# nbdkit on Unix sockets, checks the appliance's mapping with preflight as a pipeline would
# before the copy, and verifies VM pgtest1 three times into Reports/demo/:
#   0-preflight          preflight of the appliance's --nbd-targets (both disks on one volume):
#                        blocked with duplicate-target before any volume is opened.
#   1-appliance-mapping  the --nbd-targets the replication appliance was given: both disks on
#                        one volume. Fails with duplicate-target before any volume is read.
#   2-incident           the volumes as the incident left them: disk 2000's 115 GiB volume
#                        carries disk 2001's 10 GiB GPT. Fails and names the contamination.
#   3-correct            a correct replication of both disks. Passes.
#   4-wave               a wave of three VMs in one run: pgtest1 as the incident left it (fail),
#                        web1 copied onto rounded-up volumes (pass), offline1 unreachable
#                        (inconclusive); exit 1. Recorded in a SQLite audit ledger in the work
#                        directory (ledger.sqlite), which the demo then lists and verifies.
#   5-canary             the incident replayed on canary disks (canary create, disk 2001's image
#                        over the head of disk 2000's copy): verify --canary, with no source and
#                        no inventory but the manifest, fails with content-from-other-disk and
#                        the contamination 2000 <- 2001 over bytes 0-10 GiB.
# Every run signs its reports (--sign-key) with an Ed25519 key the demo generates into the work
# directory (signing.pem, signing.pub); `attest verify` then checks each report directory, and
# a copy of the incident's reports with one byte of report.json changed must fail it.
# With --update-example, also copies the incident's reports to Reports/example/ and, when
# chromium is installed, retakes Reports/example/report-screenshot.png (run it after a change
# that alters the reports; EndToEndTests checks that the example is what the demo produces).
# Environment: REPLICA_AUDIT_BIN (default .build/debug/replica-audit), DEMO_WORK (default
# .work/demo), DEMO_REPORTS (default Reports/demo), DEMO_WORK_LABEL (how the output names the
# work directory; default .work/demo). Exits 0 when every run gave the verdict it should.
set -euo pipefail
update_example=false
[ "${1:-}" = "--update-example" ] && update_example=true
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
bin=${REPLICA_AUDIT_BIN:-$root/.build/debug/replica-audit}
work=${DEMO_WORK:-$root/.work/demo}
reports=${DEMO_REPORTS:-$root/Reports/demo}
shown=${DEMO_WORK_LABEL:-.work/demo}
inventory="$here/inventories/demo-pgtest1.json"
[ -x "$bin" ] || { echo "demo: $bin is not built; run 'swift build' (or 'make demo')" >&2; exit 2; }
command -v nbdkit >/dev/null || { echo "demo: nbdkit is missing (run 'make deps')" >&2; exit 2; }
command -v openssl >/dev/null || { echo "demo: openssl is missing (run 'make deps')" >&2; exit 2; }

mkdir -p "$work"
work=$(cd "$work" && pwd)
rm -rf "$work/images" "$work/sockets" "$reports"
mkdir -p "$work/sockets" "$reports"
echo "== building the seed incident's sparse images in $work/images"
"$here/make-seed.sh" "$work/images" >/dev/null
echo "== signing key: $work/signing.pem (public key: signing.pub)" | sed "s|$work|$shown|g"
rm -f "$work/signing.pem" "$work/signing.pub"
openssl genpkey -algorithm ed25519 -out "$work/signing.pem" 2>/dev/null
openssl pkey -in "$work/signing.pem" -pubout -out "$work/signing.pub"

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT
# serve NAME IMAGE: one nbdkit per volume, on its own socket, gone when this script ends.
serve() {
  nbdkit -f --exit-with-parent -U "$work/sockets/$1.sock" file "$work/images/$2" &
  pids+=("$!")
}
serve vol-101328f1 vol2000-contaminated.img   # disk 2000's volume, as the incident left it
serve vol-ec4b3a8d vol2001.img                # disk 2001's volume
serve vol-5e0f22c7 vol2000.img                # disk 2000's volume, replicated correctly
for s in vol-101328f1 vol-ec4b3a8d vol-5e0f22c7; do
  for _ in $(seq 100); do [ -S "$work/sockets/$s.sock" ] && break; sleep 0.05; done
done
# Sockets under the repository are named relative to it (verify runs from the root), so the
# reports carry no path of the machine that made them.
cd "$root"
sockets=$work/sockets
case "$sockets" in "$root"/*) sockets=${sockets#"$root"/} ;; esac
uri() { echo "nbd+unix:///$1?socket=$sockets/$1.sock"; }
# The same for the paths the reports' provenance records (the command line, the inputs, the key).
inventory=${inventory#"$root"/}
rel() { case "$1" in "$root"/*) echo "${1#"$root"/}" ;; *) echo "$1" ;; esac; }
reports=$(rel "$reports")
key=$(rel "$work/signing.pem")
bin=$(rel "$bin")

failures=0
# preflight NAME EXPECTED_EXIT ARGS…: one preflight, which must exit as expected.
preflight() {
  local name=$1 expected=$2; shift 2
  echo
  echo "== $name: replica-audit preflight $*" | sed "s|$work|$shown|g; s|socket=$sockets/|socket=$shown/sockets/|g"
  local status=0
  "$bin" preflight --inventory "$inventory" --report-dir "$reports/$name" --sign-key "$key" "$@" || status=$?
  if [ "$status" -ne "$expected" ]; then
    echo "demo: $name exited $status, expected $expected" >&2
    failures=$((failures + 1))
  fi
}
# run NAME EXPECTED_EXIT ARGS…: one verify, which must exit as expected.
run() {
  local name=$1 expected=$2; shift 2
  echo
  echo "== $name: replica-audit verify $*" | sed "s|$work|$shown|g; s|socket=$sockets/|socket=$shown/sockets/|g"
  local status=0
  "$bin" verify --inventory "$inventory" --report-dir "$reports/$name" --sign-key "$key" "$@" || status=$?
  if [ "$status" -ne "$expected" ]; then
    echo "demo: $name exited $status, expected $expected" >&2
    failures=$((failures + 1))
  fi
}
preflight 0-preflight 1 --nbd-targets "2000:$(uri vol-101328f1),2001:$(uri vol-101328f1)"
run 1-appliance-mapping 1 --nbd-targets "2000:$(uri vol-101328f1),2001:$(uri vol-101328f1)"
run 2-incident 1 --nbd-targets "2000:$(uri vol-101328f1),2001:$(uri vol-ec4b3a8d)"
run 3-correct 0 --nbd-targets "2000:$(uri vol-5e0f22c7),2001:$(uri vol-ec4b3a8d)"
echo
echo "== the signed reports: replica-audit attest verify DIR --public-key $shown/signing.pub"
for name in 0-preflight 1-appliance-mapping 2-incident 3-correct; do
  if ! "$bin" attest verify "$reports/$name" --public-key "$work/signing.pub" | sed "s|^|$name: |"; then
    echo "demo: attest verify failed on $name" >&2
    failures=$((failures + 1))
  fi
done
# One byte of a copy of the incident's report.json changed: the attestation must not hold.
rm -rf "$work/edited" && cp -r "$reports/2-incident" "$work/edited"
sed -i '0,/"fail"/s//"pass"/' "$work/edited/report.json"
if "$bin" attest verify "$work/edited" --public-key "$work/signing.pub" 2>&1 | sed "s|$work|$shown|g; s|^|edited copy: |"; then
  echo "demo: attest verify accepted an edited report.json" >&2
  failures=$((failures + 1))
fi

# A small wave (README.md, "A wave"): pgtest1 as the incident left it, a second VM copied
# correctly onto volumes rounded up to whole GiB, and a third whose appliance is offline —
# fail, pass, inconclusive in one run, exit 1.
echo
echo "== building a second VM's images (a correct copy onto rounded-up volumes) in $shown/images/rounded"
"$here/make-verify-rounded.sh" "$work/images/rounded" >/dev/null
nbdkit -f --exit-with-parent -U "$work/sockets/vol-3f1d9a40.sock" file "$work/images/rounded/vol2000.img" &
pids+=("$!")
nbdkit -f --exit-with-parent -U "$work/sockets/vol-7b2e6c51.sock" file "$work/images/rounded/vol2001.img" &
pids+=("$!")
for s in vol-3f1d9a40 vol-7b2e6c51; do
  for _ in $(seq 100); do [ -S "$work/sockets/$s.sock" ] && break; sleep 0.05; done
done
mkdir -p "$work/wave"
cat > "$work/wave/web1.yaml" <<EOF2
manifestVersion: 1
vm: {name: web1}
disks:
  - {key: 2000, label: Hard disk 1, capacityBytes: 11274289152}
  - {key: 2001, label: Hard disk 2, capacityBytes: 2684354560}
EOF2
cat > "$work/wave/offline1.yaml" <<EOF2
manifestVersion: 1
vm: {name: offline1}
disks:
  - {key: 2000, label: Hard disk 1, capacityBytes: 10737418240}
EOF2
cat > "$work/wave/wave-demo.yaml" <<EOF2
wave: wave-demo
content: none
vms:
  - inventory: $root/$inventory
    targets: "2000:$(uri vol-101328f1),2001:$(uri vol-ec4b3a8d)"
  - inventory: web1.yaml
    targets: {2000: "$(uri vol-3f1d9a40)", 2001: "$(uri vol-7b2e6c51)"}
  - inventory: offline1.yaml
    targets: {2000: "$(uri vol-offline)"}
EOF2
echo
# Recorded in an audit ledger (SQLite), then listed and its hash chain checked.
ledger="sqlite:$(rel "$work/ledger.sqlite")"
rm -f "$work/ledger.sqlite"
echo "== 4-wave: replica-audit wave $shown/wave/wave-demo.yaml --jobs 4 --connect-retries 0 --ledger sqlite:$shown/ledger.sqlite"
status=0
"$bin" wave "$work/wave/wave-demo.yaml" --jobs 4 --connect-retries 0 --report-dir "$reports/4-wave" --no-progress \
  --ledger "$ledger" 2>&1 | sed "s|$work|$shown|g" || status=$?
if [ "$status" -ne 1 ]; then
  echo "demo: 4-wave exited $status, expected 1" >&2
  failures=$((failures + 1))
fi
echo
echo "== the audit ledger: replica-audit ledger list --ledger sqlite:$shown/ledger.sqlite"
"$bin" ledger list --ledger "$ledger" | sed "s|$work|$shown|g" || failures=$((failures + 1))
"$bin" ledger verify --ledger "$ledger" | sed "s|$work|$shown|g" || failures=$((failures + 1))
# Issue 14: the same incident on a canary VM, caught from the copies alone (no source, no
# inventory but the canary's manifest): every canary block names its disk and offset.
echo
canary="$work/canary"
rm -rf "$canary"
echo "== 5-canary: replica-audit canary create --vm pgtest1 --disk '2000:115GiB:Hard disk 1' --disk '2001:10GiB:Hard disk 2' --output $shown/canary --seed 14"
"$bin" canary create --vm pgtest1 --disk "2000:115GiB:Hard disk 1" --disk "2001:10GiB:Hard disk 2" \
  --output "$canary" --seed 14 | sed "s|$work|$shown|g"
# The incident, replayed on the canary: disk 2001's image written over the head of a copy of
# disk 2000's (only the data extents, as a sparse-aware copier writes them).
cp --sparse=always "$canary/2000.img" "$work/images/canary-vol2000.img"
python3 - "$canary/2001.img" "$work/images/canary-vol2000.img" <<'PY'
import os, sys
src, dst = os.open(sys.argv[1], os.O_RDONLY), os.open(sys.argv[2], os.O_WRONLY)
end, pos = os.lseek(src, 0, os.SEEK_END), 0
while pos < end:
    try: pos = os.lseek(src, pos, os.SEEK_DATA)
    except OSError: break
    hole = os.lseek(src, pos, os.SEEK_HOLE)
    while pos < hole:
        data = os.pread(src, min(1 << 20, hole - pos), pos)
        os.pwrite(dst, data, pos)
        pos += len(data)
PY
nbdkit -f --exit-with-parent -U "$work/sockets/canary-2000.sock" file "$work/images/canary-vol2000.img" & pids+=("$!")
nbdkit -f --exit-with-parent -U "$work/sockets/canary-2001.sock" file "$canary/2001.img" & pids+=("$!")
for s in canary-2000 canary-2001; do
  for _ in $(seq 100); do [ -S "$work/sockets/$s.sock" ] && break; sleep 0.05; done
done
manifest=$(rel "$canary/canary.json")
echo "== 5-canary: replica-audit verify --canary $manifest --nbd-targets 2000:…/canary-2000,2001:…/canary-2001" | sed "s|$work|$shown|g"
status=0
"$bin" verify --canary "$manifest" --report-dir "$reports/5-canary" --no-progress \
  --nbd-targets "2000:$(uri canary-2000),2001:$(uri canary-2001)" || status=$?
if [ "$status" -ne 1 ] || ! grep -q '"content-from-other-disk"' "$reports/5-canary/report.json"; then
  echo "demo: 5-canary exited $status without content-from-other-disk, expected a failure naming it" >&2
  failures=$((failures + 1))
fi
echo
echo "reports in ${reports#$root/}/: 0-preflight (blocked), 1-appliance-mapping (fail), 2-incident (fail), 3-correct (pass),"
echo "  4-wave (pgtest1 fail, web1 pass, offline1 inconclusive: wave.json, junit.xml, index.html), 5-canary (fail)"
if $update_example && [ "$failures" -eq 0 ]; then
  example="$root/Reports/example"
  mkdir -p "$example"
  cp "$reports/2-incident/"{report.json,junit.xml,report.md,report.html} "$example/"
  if command -v chromium >/dev/null; then
    profile=$(mktemp -d)
    chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$profile" \
      --screenshot="$example/report-screenshot.png" --window-size=1000,1400 "file://$example/report.html" >/dev/null 2>&1
    rm -rf "$profile"
  fi
  echo "example report updated in Reports/example/"
fi
exit "$failures"
