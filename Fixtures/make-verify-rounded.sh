#!/usr/bin/env bash
# A correct replication onto volumes rounded up to whole GiB: the GPT backups are not at
# the volumes' ends, which is normal and must not raise an alarm.
#
# usage: Fixtures/make-verify-rounded.sh OUTDIR
#   disk2000.img  10.5 GiB source, GPT: ext4 "data" 8 GiB + ext4 "logs" to the end
#   disk2001.img  2.5 GiB source, GPT: one ext4 partition
#   vol2000.img   11 GiB volume: a copy of disk2000 plus 0.5 GiB of zeros
#   vol2001.img   3 GiB volume: a copy of disk2001 plus 0.5 GiB of zeros
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
need sgdisk mkfs.ext4 truncate
out=${1:?usage: make-verify-rounded.sh OUTDIR}
mkdir -p "$out"

# 10.5 GiB = 22020096 sectors.
d0="$out/disk2000.img"
rm -f "$d0"; truncate -s 10752M "$d0"
mkext4 "$d0" 2048 16777216 30000001-0d0d-4e00-8000-000000003000 data
mkext4 "$d0" 16779264 $((22020096 - 34 - 16779264)) 30000002-0d0d-4e00-8000-000000003000 logs
sgdisk -U 3000AAAA-0000-4000-8000-000000003000 \
  -n 1:2048:+8G -t 1:8300 -c 1:data -u 1:3000AAAA-0001-4000-8000-000000003000 \
  -n 2:0:0      -t 2:8300 -c 2:logs -u 2:3000AAAA-0002-4000-8000-000000003000 "$d0" >/dev/null

# 2.5 GiB = 5242880 sectors.
d1="$out/disk2001.img"
rm -f "$d1"; truncate -s 2560M "$d1"
mkext4 "$d1" 2048 $((5242880 - 34 - 2048)) 30010001-0d0d-4e00-8000-000000003001 spool
sgdisk -U 3001BBBB-0000-4000-8000-000000003001 \
  -n 1:2048:0 -t 1:8300 -c 1:spool -u 1:3001BBBB-0001-4000-8000-000000003001 "$d1" >/dev/null

sparse_copy "$d0" "$out/vol2000.img"; truncate -s 11G "$out/vol2000.img"
sparse_copy "$d1" "$out/vol2001.img"; truncate -s 3G "$out/vol2001.img"
echo "rounded-up replication images in $out"
