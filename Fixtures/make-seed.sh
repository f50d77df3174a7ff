#!/usr/bin/env bash
# The seed incident (README.md): VM pgtest1, disk 2000 (115 GiB) and disk 2001 (10 GiB).
# A replication appliance wrote both disks to one NBD target, so the 115 GiB volume of
# disk 2000 carries disk 2001's first 10 GiB, GPT included.
#
# usage: Fixtures/make-seed.sh OUTDIR
# Makes, as sparse files (a few MiB on disk in all):
#   disk2000.img               the source disk 2000: 115 GiB, GPT, EFI + /boot + /
#   disk2001.img               the source disk 2001: 10 GiB, GPT, ext4 data + swap
#   vol2000-contaminated.img   2000's volume after the incident: 2000 with 2001's first 10 GiB on top
#   vol2000.img, vol2001.img   correct replicas (byte-identical copies)
# Identities are fixed so tests can name them.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
need sgdisk mkfs.ext4 mkfs.fat mkswap fallocate truncate dd
out=${1:?usage: make-seed.sh OUTDIR}
mkdir -p "$out"

# disk 2000: 115 GiB = 241172480 sectors.
d0="$out/disk2000.img"
rm -f "$d0"; truncate -s 115G "$d0"
mkvfat "$d0" 2048 1048576 2000EF15 EFI
mkext4 "$d0" 1050624 2097152 20000002-b007-4e00-8000-000000002000 boot
mkext4 "$d0" 3147776 $((241172480 - 34 - 3147776)) 20000003-7007-4e00-8000-000000002000 root
sgdisk -U 2000AAAA-0000-4000-8000-000000002000 \
  -n 1:2048:+512M  -t 1:EF00 -c 1:"EFI System" -u 1:2000AAAA-0001-4000-8000-000000002000 \
  -n 2:0:+1G       -t 2:8300 -c 2:boot        -u 2:2000AAAA-0002-4000-8000-000000002000 \
  -n 3:0:0         -t 3:8300 -c 3:root        -u 3:2000AAAA-0003-4000-8000-000000002000 "$d0" >/dev/null

# disk 2001: 10 GiB = 20971520 sectors.
d1="$out/disk2001.img"
rm -f "$d1"; truncate -s 10G "$d1"
mkext4 "$d1" 2048 16777216 20010001-da7a-4e00-8000-000000002001 pgdata
mkswapat "$d1" 16779264 $((20971520 - 34 - 16779264)) 20010002-5a09-4e00-8000-000000002001
sgdisk -U 2001BBBB-0000-4000-8000-000000002001 \
  -n 1:2048:+8G -t 1:8300 -c 1:pgdata -u 1:2001BBBB-0001-4000-8000-000000002001 \
  -n 2:0:0      -t 2:8200 -c 2:swap   -u 2:2001BBBB-0002-4000-8000-000000002001 "$d1" >/dev/null

sparse_copy "$d0" "$out/vol2000.img"
sparse_copy "$d1" "$out/vol2001.img"
sparse_copy "$d0" "$out/vol2000-contaminated.img"
overlay "$d1" "$out/vol2000-contaminated.img" $((10 * 1024 * 1024 * 1024))
echo "seed images in $out"
