#!/usr/bin/env bash
# Content-check cases (issue 5). Sparse images only; nothing outside OUTDIR is written.
#
# usage: Fixtures/make-content-cases.sh OUTDIR mbr
#   mbr-disk2000.img    50 GiB source, DOS label 0x50505050: primary 1 GiB ext4 "boot",
#                       primary ext4 "srv" over the rest
#   mbr-disk2001.img    8 GiB source, DOS label 0x08080808: one primary ext4 "archive"
#   mbr-vol2000.img     a correct copy of mbr-disk2000
#   mbr-vol2000-contaminated.img   mbr-disk2000 with mbr-disk2001's first 8 GiB written over it
#
# usage: Fixtures/make-content-cases.sh OUTDIR foreign OFFSET
#   foreign-disk.img    1 GiB source, GPT, partition 1 (ext4 "data") from 1 MiB to the end;
#                       its data area [256 MiB, 512 MiB) is filled with random bytes (allocated)
#   foreign-vol.img     a copy of foreign-disk.img with 64 MiB of another disk's random
#                       data written at byte OFFSET; the labels and filesystem head are intact
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
need sfdisk sgdisk mkfs.ext4 truncate dd
out=${1:?usage: make-content-cases.sh OUTDIR mbr|foreign [OFFSET]}
case=${2:?usage: make-content-cases.sh OUTDIR mbr|foreign [OFFSET]}
mkdir -p "$out"
mib=$((1024 * 1024))

case "$case" in
mbr)
  d0="$out/mbr-disk2000.img"
  rm -f "$d0"; truncate -s 50G "$d0"
  # 50 GiB = 104857600 sectors.
  mkext4 "$d0" 2048 2097152 50000001-c0c0-4e00-8000-000000005000 boot
  mkext4 "$d0" 2099200 $((104857600 - 2099200)) 50000002-c0c0-4e00-8000-000000005000 srv
  sfdisk -q "$d0" >/dev/null <<'TABLE'
label: dos
label-id: 0x50505050
start=2048, size=2097152, type=83
start=2099200, type=83
TABLE
  d1="$out/mbr-disk2001.img"
  rm -f "$d1"; truncate -s 8G "$d1"
  # 8 GiB = 16777216 sectors.
  mkext4 "$d1" 2048 $((16777216 - 2048)) 50010001-c0c0-4e00-8000-000000005001 archive
  sfdisk -q "$d1" >/dev/null <<'TABLE'
label: dos
label-id: 0x08080808
start=2048, type=83
TABLE
  sparse_copy "$d0" "$out/mbr-vol2000.img"
  sparse_copy "$d0" "$out/mbr-vol2000-contaminated.img"
  overlay "$d1" "$out/mbr-vol2000-contaminated.img" $((8 * 1024 * mib))
  ;;
foreign)
  offset=${3:?usage: make-content-cases.sh OUTDIR foreign OFFSET}
  d="$out/foreign-disk.img"
  rm -f "$d"; truncate -s 1G "$d"
  # 1 GiB = 2097152 sectors; the GPT backup needs the last 33.
  mkext4 "$d" 2048 $((2097152 - 2048 - 33)) f0000001-c0c0-4e00-8000-00000000f000 data
  sgdisk -U F000AAAA-0000-4000-8000-00000000F000 \
    -n 1:2048:0 -t 1:8300 -c 1:data -u 1:F000AAAA-0001-4000-8000-00000000F000 "$d" >/dev/null
  head -c $((256 * mib)) /dev/urandom | dd of="$d" bs=1M seek=256 conv=notrunc status=none
  sparse_copy "$d" "$out/foreign-vol.img"
  head -c $((64 * mib)) /dev/urandom | dd of="$out/foreign-vol.img" bs=512 seek=$((offset / 512)) conv=notrunc status=none
  ;;
*) echo "unknown case '$case'" >&2; exit 2 ;;
esac
