#!/usr/bin/env bash
# Two disks of equal size and identical layout, replicated onto each other's volumes.
# Sizes and geometry cannot reveal it; only identities from the sources or a baseline can.
#
# usage: Fixtures/make-verify-swapped.sh OUTDIR
#   disk2000.img, disk2001.img   20 GiB sources, GPT, one ext4 partition each, own GUIDs
#   vol2000.img                  a copy of disk2001 (the swap)
#   vol2001.img                  a copy of disk2000
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
need sgdisk mkfs.ext4 truncate
out=${1:?usage: make-verify-swapped.sh OUTDIR}
mkdir -p "$out"

# 20 GiB = 41943040 sectors.
for key in 2000 2001; do
  img="$out/disk$key.img"
  rm -f "$img"; truncate -s 20G "$img"
  mkext4 "$img" 2048 $((41943040 - 34 - 2048)) 40000001-5a4b-4e00-8000-00000000$key data$key
  sgdisk -U 4${key:1}AAAA-0000-4000-8000-00000000$key \
    -n 1:2048:0 -t 1:8300 -c 1:data -u 1:4${key:1}AAAA-0001-4000-8000-00000000$key "$img" >/dev/null
done
sparse_copy "$out/disk2001.img" "$out/vol2000.img"
sparse_copy "$out/disk2000.img" "$out/vol2001.img"
echo "swapped replication images in $out"
