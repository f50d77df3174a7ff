#!/usr/bin/env bash
# Data-only contamination (issue 10): another disk's data inside a volume whose label and
# filesystems are its own, at the same offset and shifted; and two cloned disks (same
# GUIDs and UUIDs, different data) replicated onto each other's volumes.
#
# usage: Fixtures/make-verify-foreign.sh OUTDIR
# Sources (inventory foreign1: 2000 = 2 GiB, 2001 = 3 GiB; clone1: 2002 = 2003 = 2 GiB):
#   disk2000.img  2 GiB, GPT, ext4 "alpha" at 1 MiB; 24 MiB of random data at 33 MiB
#   disk2001.img  3 GiB, GPT, ext4 "beta" at 4 MiB; 24 MiB of random data at 36 MiB
#   disk2002.img, disk2003.img  clones of one template (same GUIDs and UUIDs), 24 MiB of
#                 different random data each at 33 MiB
# Volumes:
#   vol2000.img, vol2001.img   correct copies
#   vol2001-same.img     2001 with 2000's 16 MiB at 40 MiB written at the same offset
#   vol2001-shifted.img  2001 with 2000's 16 MiB at 38 MiB written at 41 MiB (the partitions' 3 MiB shift)
#   vol2002.img = a copy of disk2003, vol2003.img = a copy of disk2002 (the clones swapped)
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
need sgdisk mkfs.ext4 truncate dd
out=${1:?usage: make-verify-foreign.sh OUTDIR}
mkdir -p "$out"
MiB=1048576

# random IMG OFFSET_MIB MIB — random bytes into IMG.
random() { head -c "$(($3 * MiB))" /dev/urandom | dd of="$1" bs=1M seek="$2" conv=notrunc status=none; }
# copyat SRC SRC_OFFSET_MIB DST DST_OFFSET_MIB MIB
copyat() { dd if="$1" of="$3" bs=1M skip="$2" seek="$4" count="$5" conv=notrunc status=none; }

d0="$out/disk2000.img"
rm -f "$d0"; truncate -s 2G "$d0"
mkext4 "$d0" 2048 $((4194304 - 34 - 2048)) 60000001-0d0d-4e00-8000-000000006000 alpha
sgdisk -U 6000AAAA-0000-4000-8000-000000006000 \
  -n 1:2048:0 -t 1:8300 -c 1:alpha -u 1:6000AAAA-0001-4000-8000-000000006000 "$d0" >/dev/null
random "$d0" 33 24

d1="$out/disk2001.img"
rm -f "$d1"; truncate -s 3G "$d1"
mkext4 "$d1" 8192 $((6291456 - 34 - 8192)) 60010001-0d0d-4e00-8000-000000006001 beta
sgdisk -U 6001BBBB-0000-4000-8000-000000006001 \
  -n 1:8192:0 -t 1:8300 -c 1:beta -u 1:6001BBBB-0001-4000-8000-000000006001 "$d1" >/dev/null
random "$d1" 36 24

sparse_copy "$d0" "$out/vol2000.img"
sparse_copy "$d1" "$out/vol2001.img"
sparse_copy "$d1" "$out/vol2001-same.img"; copyat "$d0" 40 "$out/vol2001-same.img" 40 16
sparse_copy "$d1" "$out/vol2001-shifted.img"; copyat "$d0" 38 "$out/vol2001-shifted.img" 41 16

t="$out/template.img"
rm -f "$t"; truncate -s 2G "$t"
mkext4 "$t" 2048 $((4194304 - 34 - 2048)) 60020001-c10e-4e00-8000-000000006002 tmpl
sgdisk -U 6002CCCC-0000-4000-8000-000000006002 \
  -n 1:2048:0 -t 1:8300 -c 1:tmpl -u 1:6002CCCC-0001-4000-8000-000000006002 "$t" >/dev/null
for key in 2002 2003; do sparse_copy "$t" "$out/disk$key.img"; random "$out/disk$key.img" 33 24; done
rm -f "$t"
sparse_copy "$out/disk2003.img" "$out/vol2002.img"
sparse_copy "$out/disk2002.img" "$out/vol2003.img"
echo "foreign-data images in $out"
