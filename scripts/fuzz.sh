#!/usr/bin/env bash
# Builds the libFuzzer targets with -sanitize=fuzzer,address and runs each for a while.
# usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET…]   (default 600 s; both targets)
# Corpora live in .work/fuzz/<target>/ (git-ignored); seeds come from Fixtures/.
# Crashes are written to .work/fuzz/<target>-crashes/; turn each into a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-600}; shift || true
targets=("$@"); [ ${#targets[@]} -gt 0 ] || targets=(fuzz-witnesses fuzz-inventory)
scratch=.build-fuzz
for t in "${targets[@]}"; do
  swift build --scratch-path "$scratch" --product "$t" \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING >/dev/null
done
bin=$(swift build --scratch-path "$scratch" --show-bin-path)
for t in "${targets[@]}"; do
  corpus=.work/fuzz/$t; crashes=.work/fuzz/$t-crashes
  mkdir -p "$corpus" "$crashes"
  if [ "$t" = fuzz-inventory ]; then
    cp -n Fixtures/inventories/*.* "$corpus"/ 2>/dev/null || true
  else
    # Seeds: the first 64 KiB of real GPT and DOS disks made by sgdisk/sfdisk.
    tmp=$(mktemp -d); truncate -s 64M "$tmp/g.img" "$tmp/d.img"
    sgdisk -n 1:2048:+8M -n 2:0:+8M "$tmp/g.img" >/dev/null
    printf 'label: dos\n,8M,83\n,16M,5\n,4M,83\n,4M,83\n' | sfdisk -q "$tmp/d.img" >/dev/null
    head -c 65536 "$tmp/g.img" > "$corpus/seed-gpt"; head -c 65536 "$tmp/d.img" > "$corpus/seed-dos"
    dd if="$tmp/d.img" bs=512 skip=16384 count=1 status=none >> "$corpus/seed-dos"
    rm -rf "$tmp"
  fi
  echo "== $t for ${secs}s"
  LSAN_OPTIONS="suppressions=$PWD/scripts/lsan.supp:print_suppressions=0" \
  "$bin/$t" "$corpus" -max_total_time="$secs" -max_len=131072 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$crashes/" -print_final_stats=1 2>&1 | grep -E '^(#|stat::|==|SUMMARY|Done)' | tail -12
done
