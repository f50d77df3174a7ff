#!/usr/bin/env bash
# Contaminated DOS (MBR) disks: the 50 GiB volume of disk 2000 carries disk 2001's MBR and
# first 8 GiB of data, as when one disk is written over the other.
#
# usage: Fixtures/make-verify-mbr.sh OUTDIR
#   disk2000.img               50 GiB source, DOS label 0x50505050: primary 1 GiB ext4,
#                              extended with one logical ext4 partition
#   disk2001.img               8 GiB source, DOS label 0x08080808: one primary ext4
#   vol2000-contaminated.img   2000's volume: disk2000 with disk2001's 8 GiB written over it
#   vol2001.img                a correct copy of disk2001
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
need sfdisk mkfs.ext4 truncate
out=${1:?usage: make-verify-mbr.sh OUTDIR}
mkdir -p "$out"

# 50 GiB = 104857600 sectors.
d0="$out/disk2000.img"
rm -f "$d0"; truncate -s 50G "$d0"
mkext4 "$d0" 2048 2097152 50000001-0b0b-4e00-8000-000000005000 boot
mkext4 "$d0" 2101248 $((104857600 - 2101248)) 50000005-0b0b-4e00-8000-000000005000 srv
sfdisk -q "$d0" >/dev/null <<'TABLE'
label: dos
label-id: 0x50505050
start=2048, size=2097152, type=83
start=2099200, type=5
start=2101248, type=83
TABLE

# 8 GiB = 16777216 sectors.
d1="$out/disk2001.img"
rm -f "$d1"; truncate -s 8G "$d1"
mkext4 "$d1" 2048 $((16777216 - 2048)) 50010001-0b0b-4e00-8000-000000005001 archive
sfdisk -q "$d1" >/dev/null <<'TABLE'
label: dos
label-id: 0x08080808
start=2048, type=83
TABLE

sparse_copy "$d0" "$out/vol2000-contaminated.img"
overlay "$d1" "$out/vol2000-contaminated.img" $((8 * 1024 * 1024 * 1024))
sparse_copy "$d1" "$out/vol2001.img"
echo "contaminated DOS images in $out"
