#!/usr/bin/env bash
# Disks for the probe's tests, each a small sparse image with fixed identities.
#
# usage: Fixtures/make-probe-cases.sh OUTDIR [CASE...]   (no CASE: all of them)
# Cases (OUTDIR/CASE.img):
#   dos-extended     64 MiB DOS label 0x20260001: primary 1 (ext4, bootable), primary 2 (swap),
#                    extended 3 holding logical 5 (ext4) and logical 6 (vfat); sfdisk
#   whole-disk-fs    32 MiB ext4 on the whole disk, no partition table
#   all-zero         16 MiB of zeros
#   gpt-4k           64 MiB GPT with 4096-byte logical sectors (fdisk -b 4096), ext4 in partition 1
#   gpt-bad-header   64 MiB GPT whose primary header has one byte changed (header CRC fails)
#   gpt-bad-entries  64 MiB GPT whose primary entry array has one byte changed (array CRC fails)
#   gpt-moved-backup 64 MiB GPT whose backup header and array were moved 8 MiB lower
#   gpt-mismatch     64 MiB GPT whose primary (LBA 1–33) comes from a label with another disk GUID
#   gpt-grown        GPT made for 64 MiB on a volume grown to 96 MiB (a correct, larger copy)
#   gpt-truncated    GPT made for 64 MiB on a volume cut to 40 MiB (partition 2 passes the end)
#   dos-overlap      16 MiB DOS label whose two partitions overlap (written byte by byte)
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
need sgdisk sfdisk fdisk mkfs.ext4 mkfs.fat mkswap truncate dd xxd python3
out=${1:?usage: make-probe-cases.sh OUTDIR [CASE...]}
shift
mkdir -p "$out"
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(dos-extended whole-disk-fs all-zero gpt-4k gpt-bad-header gpt-bad-entries
                                 gpt-moved-backup gpt-mismatch gpt-grown gpt-truncated dos-overlap)

# small_gpt IMG GUID — 64 MiB GPT with ext4 (partition 1) and a second Linux partition.
small_gpt() {
  local img=$1 guid=$2
  rm -f "$img"; truncate -s 64M "$img"
  mkext4 "$img" 2048 32768 "${guid:0:8}-0e04-4e00-8000-000000000001" small
  sgdisk -U "$guid" \
    -n 1:2048:+16M -t 1:8300 -c 1:small -u 1:"${guid:0:8}-0001-4000-8000-000000000001" \
    -n 2:0:0       -t 2:8300 -c 2:rest  -u 2:"${guid:0:8}-0002-4000-8000-000000000002" "$img" >/dev/null
}

for c in "${cases[@]}"; do
  img="$out/$c.img"
  case "$c" in
  dos-extended)
    rm -f "$img"; truncate -s 64M "$img"
    mkext4 "$img" 2048 16384 d05e0001-0000-4000-8000-000000000001 primary1
    mkext4 "$img" 53248 16384 d05e0005-0000-4000-8000-000000000005 logical5
    mkvfat "$img" 73728 32768 D05E0006 LOGICAL6
    sfdisk -q --wipe never --wipe-partitions never "$img" >/dev/null <<'SFDISK'
label: dos
label-id: 0x20260001
start=2048, size=16384, type=83, bootable
start=18432, size=32768, type=82
start=51200, size=79872, type=5
start=53248, size=16384, type=83
start=73728, size=32768, type=c
SFDISK
    ;;
  whole-disk-fs)
    rm -f "$img"; truncate -s 32M "$img"
    mkfs.ext4 -q -F -U 3a1e0000-0000-4000-8000-00000000a11d -L wholedisk -O ^has_journal "$img" >/dev/null 2>&1
    ;;
  all-zero)
    rm -f "$img"; truncate -s 16M "$img"
    ;;
  gpt-4k)
    rm -f "$img"; truncate -s 64M "$img"
    mkext4_at "$img" $((256 * 4096)) $((4096 * 4096)) 40960001-0e04-4e00-8000-000000004096 fourk
    fdisk -b 4096 "$img" >/dev/null 2>&1 <<FDISK
I
$here/gpt-4k.sfdisk
w
FDISK
    ;;
  gpt-bad-header)
    small_gpt "$img" BAD0AAAA-0000-4000-8000-00000000BAD0
    poke "$img" $((512 + 56)) 00   # first byte of the disk GUID in the primary header
    ;;
  gpt-bad-entries)
    small_gpt "$img" BAD1AAAA-0000-4000-8000-00000000BAD1
    poke "$img" $((1024 + 56)) 58  # first letter of partition 1's name in the primary array
    ;;
  gpt-moved-backup)
    small_gpt "$img" 30FEAAAA-0000-4000-8000-0000000030FE
    last=$((64 * 2048 - 1))
    dd if="$img" of="$img" bs=512 skip=$((last - 32)) seek=$((last - 32 - 16384)) count=33 conv=notrunc status=none
    dd if=/dev/zero of="$img" bs=512 seek=$((last - 32)) count=33 conv=notrunc status=none
    ;;
  gpt-mismatch)
    small_gpt "$img" 0DDAAAAA-0000-4000-8000-000000000DDA
    small_gpt "$img.other" 0DDBBBBB-0000-4000-8000-000000000DDB
    dd if="$img.other" of="$img" bs=512 skip=1 seek=1 count=33 conv=notrunc status=none
    rm -f "$img.other"
    ;;
  gpt-grown)
    small_gpt "$img" 6E0AAAAA-0000-4000-8000-000000006E0A
    truncate -s 96M "$img"
    ;;
  gpt-truncated)
    small_gpt "$img" C070AAAA-0000-4000-8000-00000000C070
    truncate -s 40M "$img"
    ;;
  dos-overlap)
    rm -f "$img"; truncate -s 16M "$img"
    python3 - "$img" <<'PY'
import struct, sys
mbr = bytearray(512)
struct.pack_into("<I", mbr, 440, 0x0DD0DD00)
for i, (start, count) in enumerate([(2048, 16384), (8192, 16384)]):
    struct.pack_into("<B3sB3sII", mbr, 446 + 16 * i, 0, b"\0\0\0", 0x83, b"\0\0\0", start, count)
mbr[510:512] = b"\x55\xaa"
with open(sys.argv[1], "r+b") as f:
    f.write(mbr)
PY
    ;;
  *) echo "make-probe-cases: unknown case '$c'" >&2; exit 2 ;;
  esac
done
echo "probe cases in $out"
