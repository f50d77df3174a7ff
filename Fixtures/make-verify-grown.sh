#!/usr/bin/env bash
# Grown volumes (issue 10): labels extended to a larger volume's end after the copy, a disk
# grown in vSphere whose label was never moved, and next to each its contaminated twin.
#
# usage: Fixtures/make-verify-grown.sh OUTDIR
# Sources (inventory: 2000 = 10 GiB, 2001 = 20 GiB, 2002 = 15 GiB):
#   disk2000.img   10 GiB, GPT: ext4 "data" 6 GiB + ext4 "logs" to the end
#   disk2001.img   20 GiB, GPT: one ext4 partition
#   disk2002.img   15 GiB, GPT written when it was 10 GiB (grown in vSphere, label not moved)
# Volumes:
#   vol2000-sgdisk-e.img    copy of 2000 on 20 GiB (exactly 2001's capacity), then `sgdisk -e`
#   vol2000-growpart.img    copy of 2000 on 20 GiB, then `growpart` of partition 2
#   vol2000-grown-12g.img   copy of 2000 on 12 GiB, then `sgdisk -e` (a size no disk has)
#   vol2000-contaminated.img  2000's 20 GiB volume carrying 2001 (its label reaches the volume's end too)
#   vol2000-tampered.img    vol2000-sgdisk-e with partition 1's GUID changed (not the source's label any more)
#   vol2000-renamed.img     vol2000-sgdisk-e with partition 1 renamed: same identities, an entry that differs
#   vol2000.img, vol2001.img  copies of 2000 and 2001
#   vol2002.img             copy of 2002 (label says 10 GiB = 2000's capacity, as on the source)
#   vol2002-sgdisk-e.img    copy of 2002 on 16 GiB, then `sgdisk -e` (grown in vSphere, then extended)
#   vol2002-contaminated.img  2002's volume carrying 2000's label and data
#   disk2003.img          4 GiB, DOS (MBR): ext4 "boot" 2 GiB + ext4 "root" to the end
#   vol2003-growpart.img  copy of 2003 on 6 GiB, then `growpart` of partition 2
#   vol2003-tampered.img  vol2003-growpart with another disk signature (not the source's label)
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
need sgdisk sfdisk mkfs.ext4 truncate growpart
out=${1:?usage: make-verify-grown.sh OUTDIR}
mkdir -p "$out"

# 10 GiB = 20971520 sectors.
d0="$out/disk2000.img"
rm -f "$d0"; truncate -s 10G "$d0"
mkext4 "$d0" 2048 12582912 50000001-0d0d-4e00-8000-000000005000 data
mkext4 "$d0" 12584960 $((20971520 - 34 - 12584960)) 50000002-0d0d-4e00-8000-000000005000 logs
sgdisk -U 5000AAAA-0000-4000-8000-000000005000 \
  -n 1:2048:+6G -t 1:8300 -c 1:data -u 1:5000AAAA-0001-4000-8000-000000005000 \
  -n 2:0:0      -t 2:8300 -c 2:logs -u 2:5000AAAA-0002-4000-8000-000000005000 "$d0" >/dev/null

# 20 GiB = 41943040 sectors.
d1="$out/disk2001.img"
rm -f "$d1"; truncate -s 20G "$d1"
mkext4 "$d1" 2048 $((41943040 - 34 - 2048)) 50010001-0d0d-4e00-8000-000000005001 archive
sgdisk -U 5001BBBB-0000-4000-8000-000000005001 \
  -n 1:2048:0 -t 1:8300 -c 1:archive -u 1:5001BBBB-0001-4000-8000-000000005001 "$d1" >/dev/null

# Partitioned at 10 GiB, grown to 15 GiB in vSphere: the label still says 10 GiB.
d2="$out/disk2002.img"
rm -f "$d2"; truncate -s 10G "$d2"
mkext4 "$d2" 2048 $((20971520 - 34 - 2048)) 50020001-0d0d-4e00-8000-000000005002 spool
sgdisk -U 5002CCCC-0000-4000-8000-000000005002 \
  -n 1:2048:0 -t 1:8300 -c 1:spool -u 1:5002CCCC-0001-4000-8000-000000005002 "$d2" >/dev/null
truncate -s 15G "$d2"

v="$out/vol2000-sgdisk-e.img"; sparse_copy "$d0" "$v"; truncate -s 20G "$v"; sgdisk -e "$v" >/dev/null 2>&1
v="$out/vol2000-growpart.img"; sparse_copy "$d0" "$v"; truncate -s 20G "$v"; growpart "$v" 2 >/dev/null
v="$out/vol2000-grown-12g.img"; sparse_copy "$d0" "$v"; truncate -s 12G "$v"; sgdisk -e "$v" >/dev/null 2>&1
v="$out/vol2000-tampered.img"; sparse_copy "$out/vol2000-sgdisk-e.img" "$v"
sgdisk -u 1:5000AAAA-0001-4000-8000-0000000050ff "$v" >/dev/null 2>&1
v="$out/vol2000-renamed.img"; sparse_copy "$out/vol2000-sgdisk-e.img" "$v"; sgdisk -c 1:renamed "$v" >/dev/null 2>&1
v="$out/vol2000-contaminated.img"; sparse_copy "$d0" "$v"; truncate -s 20G "$v"
overlay "$d1" "$v" $((20 * 1024 * 1024 * 1024))
sparse_copy "$d0" "$out/vol2000.img"
sparse_copy "$d1" "$out/vol2001.img"
sparse_copy "$d2" "$out/vol2002.img"
v="$out/vol2002-sgdisk-e.img"; sparse_copy "$d2" "$v"; truncate -s 16G "$v"; sgdisk -e "$v" >/dev/null 2>&1
v="$out/vol2002-contaminated.img"; sparse_copy "$d2" "$v"
overlay "$d0" "$v" $((10 * 1024 * 1024 * 1024))
# DOS: 4 GiB = 8388608 sectors, two primary partitions; growpart on a 6 GiB volume grows partition 2.
d3="$out/disk2003.img"
rm -f "$d3"; truncate -s 4G "$d3"
mkext4 "$d3" 2048 4194304 50030001-0d0d-4e00-8000-000000005003 boot
mkext4 "$d3" 4196352 $((8388608 - 4196352)) 50030002-0d0d-4e00-8000-000000005003 root
printf 'label: dos\nlabel-id: 0x50035003\nstart=2048, size=4194304, type=83\nstart=4196352, type=83\n' | sfdisk -q "$d3" >/dev/null 2>&1
v="$out/vol2003-growpart.img"; sparse_copy "$d3" "$v"; truncate -s 6G "$v"; growpart "$v" 2 >/dev/null
v="$out/vol2003-tampered.img"; sparse_copy "$out/vol2003-growpart.img" "$v"; sfdisk -q --disk-id "$v" 0x500350ff >/dev/null 2>&1
echo "grown-volume images in $out"
