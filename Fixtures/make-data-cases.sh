#!/usr/bin/env bash
# Blank and half-written volumes, and image containers (issue 9.3, 9.5).
#
# usage: Fixtures/make-data-cases.sh OUTDIR
#   src2000.img    1 GiB source, GPT: ext4 "root" 512 MiB + ext4 "data" to the end
#   src2001.img    256 MiB source, GPT: one ext4 partition
#   vol2000.img    a complete sparse copy of src2000 (mostly empty ext4s, backup GPT): must pass
#   half2000.img   the same volume with only the first 400 MiB copied: partition 2 and the backup GPT are missing
#   tail2000.img   the same volume with all but the last 8 MiB copied: only the backup GPT is missing
#   vol2001.img    a complete copy of src2001
#   label2001.img  src2001's label alone: its partition never written (both GPT headers stay)
#   blank2001.img  256 MiB of holes: nothing was written
#   dense2001.img  64 MiB of written zeros (block status says data, every byte is zero)
#   dos2000.img    1 GiB, DOS label: ext4 + ext4; dos-half2000.img its first 400 MiB only
#   src2001.{qcow2,vmdk,vhdx,vhd}  src2001 in image containers made by qemu-img convert
#   qcow2-on-vol2001.img, vmdk-on-vol2001.img  256 MiB volumes to which src2001.qcow2 / .vmdk was
#                  written byte for byte (an appliance that copied the image file, not the disk)
#   dos-cut2000.img  dos2000 copied up to 700 MiB: inside partition 2, whose ext4 lacks its last backup superblock
#   xfs2000.img, ntfs2000.img  1 GiB whole-disk XFS and NTFS; xfs-cut2000.img, ntfs-cut2000.img
#                  their first 600 and 800 MiB (the last AG's superblock, the backup boot sector missing)
#   holes2000.img  vol2000 with 100-200 MiB never written (a hole over partition 1's backup superblock
#                  of group 1, at 129 MiB); xfs-holes2000.img xfs2000 with 250-300 MiB never written
#                  (allocation group 1's superblock at 256 MiB); both keep their label and their end;
#                  ntfs-mft2000.img ntfs2000 whose MFT (1 MiB from where its boot sector puts it) was never written;
#                  ntfs-mirror-hole2000.img ntfs2000 with 500-600 MiB never written (its MFT mirror, at 512 MiB)
#   wiped2001.img  vol2001 after `wipefs -a -f` (GPT headers, the 0x55AA and ext4's magic erased; the data stays)
#   raw2001.img    256 MiB raw disk: 16 MiB of seeded bytes at 1 MiB, no label or signature;
#                  raw-copy2001.img a faithful copy of it
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
need sgdisk sfdisk mkfs.ext4 mkfs.xfs mkntfs truncate qemu-img wipefs python3 fallocate
out=${1:?usage: make-data-cases.sh OUTDIR}
mkdir -p "$out"

# 1 GiB = 2097152 sectors.
s0="$out/src2000.img"
rm -f "$s0"; truncate -s 1G "$s0"
mkext4 "$s0" 2048 1048576 90000001-0d0d-4e00-8000-000000009000 root
mkext4 "$s0" 1050624 $((2097152 - 34 - 1050624)) 90000002-0d0d-4e00-8000-000000009000 data
sgdisk -U 9000AAAA-0000-4000-8000-000000009000 \
  -n 1:2048:+512M -t 1:8300 -c 1:root -u 1:9000AAAA-0001-4000-8000-000000009000 \
  -n 2:0:0        -t 2:8300 -c 2:data -u 2:9000AAAA-0002-4000-8000-000000009000 "$s0" >/dev/null

# 256 MiB = 524288 sectors.
s1="$out/src2001.img"
rm -f "$s1"; truncate -s 256M "$s1"
mkext4 "$s1" 2048 $((524288 - 34 - 2048)) 90010001-0d0d-4e00-8000-000000009001 spool
sgdisk -U 9001BBBB-0000-4000-8000-000000009001 \
  -n 1:2048:0 -t 1:8300 -c 1:spool -u 1:9001BBBB-0001-4000-8000-000000009001 "$s1" >/dev/null

sparse_copy "$s0" "$out/vol2000.img"
sparse_copy "$s1" "$out/vol2001.img"
# Only the label written: src2001 with its partition's bytes never written (the GPT at both ends stays).
sparse_copy "$s1" "$out/label2001.img"
fallocate -p -o $((2048 * 512)) -l $(((524255 - 2048) * 512)) "$out/label2001.img"
# A copy that stopped after 400 MiB, and one that stopped 8 MiB before the end.
rm -f "$out/half2000.img" "$out/tail2000.img"
truncate -s 1G "$out/half2000.img" "$out/tail2000.img"
dd if="$s0" of="$out/half2000.img" bs=1M count=400 conv=notrunc,sparse status=none
dd if="$s0" of="$out/tail2000.img" bs=1M count=1016 conv=notrunc,sparse status=none
rm -f "$out/blank2001.img"; truncate -s 256M "$out/blank2001.img"
dd if=/dev/zero of="$out/dense2001.img" bs=1M count=64 status=none

# DOS: two ext4 partitions; a copy of its first 400 MiB only.
d="$out/dos2000.img"
rm -f "$d"; truncate -s 1G "$d"
mkext4 "$d" 2048 1048576 90020001-0d0d-4e00-8000-000000009002 dosroot
mkext4 "$d" 1050624 1046528 90020002-0d0d-4e00-8000-000000009002 dosdata
printf 'label: dos\nlabel-id: 0x90029002\n2048,1048576,83\n1050624,1046528,83\n' | sfdisk -q "$d" >/dev/null 2>&1
rm -f "$out/dos-half2000.img"; truncate -s 1G "$out/dos-half2000.img"
dd if="$d" of="$out/dos-half2000.img" bs=1M count=400 conv=notrunc,sparse status=none

# Copies that stopped inside a filesystem, where no label says where the data must go on.
rm -f "$out/dos-cut2000.img"; truncate -s 1G "$out/dos-cut2000.img"
dd if="$d" of="$out/dos-cut2000.img" bs=1M count=700 conv=notrunc,sparse status=none
for fs in xfs ntfs; do
  rm -f "$out/${fs}2000.img" "$out/${fs}-cut2000.img"; truncate -s 1G "$out/${fs}2000.img" "$out/${fs}-cut2000.img"
done
mkfs.xfs -q -f -m uuid=90000003-0d0d-4e00-8000-000000009000 "$out/xfs2000.img"
mkntfs -Q -F -q "$out/ntfs2000.img" >/dev/null 2>&1
dd if="$out/xfs2000.img" of="$out/xfs-cut2000.img" bs=1M count=600 conv=notrunc,sparse status=none
dd if="$out/ntfs2000.img" of="$out/ntfs-cut2000.img" bs=1M count=800 conv=notrunc,sparse status=none

# Copies with holes: regions never written inside the data, the label and the end intact.
sparse_copy "$out/vol2000.img" "$out/holes2000.img"
fallocate -p -o $((100 << 20)) -l $((100 << 20)) "$out/holes2000.img"
sparse_copy "$out/xfs2000.img" "$out/xfs-holes2000.img"
fallocate -p -o $((250 << 20)) -l $((50 << 20)) "$out/xfs-holes2000.img"
# NTFS whose MFT was never written (its boot sector and backup intact): libblkid cannot name it.
sparse_copy "$out/ntfs2000.img" "$out/ntfs-mft2000.img"
mft=$(python3 -c 'import struct, sys; b = open(sys.argv[1], "rb").read(512)
print(struct.unpack_from("<Q", b, 0x30)[0] * struct.unpack_from("<H", b, 0x0b)[0] * b[0x0d])' "$out/ntfs2000.img")
fallocate -p -o "$mft" -l $((1 << 20)) "$out/ntfs-mft2000.img"
# NTFS with 500-600 MiB never written: mkntfs put its MFT mirror ($MFTMirr) at 512 MiB.
sparse_copy "$out/ntfs2000.img" "$out/ntfs-mirror-hole2000.img"
fallocate -p -o $((500 << 20)) -l $((100 << 20)) "$out/ntfs-mirror-hole2000.img"

# A wiped label: wipefs -a erases every signature it knows and leaves the data.
sparse_copy "$out/vol2001.img" "$out/wiped2001.img"
wipefs -a -f -q "$out/wiped2001.img"
# Raw data with no label (a database's raw disk), and its copy.
rm -f "$out/raw2001.img"; truncate -s 256M "$out/raw2001.img"
python3 -c 'import random, sys; r = random.Random(2001); sys.stdout.buffer.write(r.randbytes(16 << 20))' \
  | dd of="$out/raw2001.img" bs=1M seek=1 conv=notrunc status=none
sparse_copy "$out/raw2001.img" "$out/raw-copy2001.img"

qemu-img convert -q -f raw -O qcow2 "$s1" "$out/src2001.qcow2"
qemu-img convert -q -f raw -O vmdk "$s1" "$out/src2001.vmdk"
qemu-img convert -q -f raw -O vhdx "$s1" "$out/src2001.vhdx"
qemu-img convert -q -f raw -O vpc -o force_size=on "$s1" "$out/src2001.vhd"
qemu-img convert -q -f raw -O vpc -o subformat=fixed,force_size=on "$s1" "$out/src2001-fixed.vhd"
for f in qcow2 vmdk; do
  rm -f "$out/$f-on-vol2001.img"; truncate -s 256M "$out/$f-on-vol2001.img"
  dd if="$out/src2001.$f" of="$out/$f-on-vol2001.img" conv=notrunc,sparse status=none
done
echo "data-presence and container images in $out"
