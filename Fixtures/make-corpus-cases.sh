#!/usr/bin/env bash
# Disks whose signature libblkid finds only by following a pointer far from the regions a
# probe reads first (issue 20). Windows places NTFS's MFT at cluster 786432 (3 GiB with 4 KiB
# clusters) on large volumes; mkntfs places it near the start, so these move it.
#
# usage: Fixtures/make-corpus-cases.sh OUTDIR
#   ntfs-far-mft      2 GiB whole-disk NTFS (label WinData) whose first MFT records sit at 1.5 GiB
#   gpt-ntfs-far-mft  3 GiB GPT disk (sgdisk) with that NTFS volume in partition 1 (from 1 MiB)
#   ntfs-lost-mft     2 GiB whole-disk NTFS whose MFT pointer names a cluster past the volume's end
#   gpt-zero-length   64 MiB GPT: partition 2 (LBA 4096–69631) holds ext4; partition 1's entry was
#                     patched to start at LBA 4096 and end at 4095 (0 bytes), CRCs recomputed
#   fat32-superfloppy 2 GiB FAT32 on the whole disk (mkfs.fat), no partition table; the root
#                     directory (at 4 MiB) says SUPERFLOPPY, the boot sector's label was changed
#                     to BOOTLABEL (what Windows' relabel leaves), so the label needs the root dir
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
need mkntfs mkfs.fat mkfs.ext4 sgdisk truncate python3
out=${1:?usage: make-corpus-cases.sh OUTDIR}
mkdir -p "$out"

# move_mft IMG NEW_OFFSET: copies the first 4 MFT records (4 × 1 KiB) to NEW_OFFSET, zeroes
# them where mkntfs wrote them, and points the boot sector's MFT cluster field (offset 48) there.
move_mft() {
  python3 - "$1" "$2" <<'EOF'
import struct, sys
path, new = sys.argv[1], int(sys.argv[2])
with open(path, "r+b") as f:
    boot = f.read(512)
    cluster = struct.unpack_from("<H", boot, 11)[0] * boot[13]
    old = struct.unpack_from("<Q", boot, 48)[0] * cluster
    f.seek(old); records = f.read(4096)
    assert records[:4] == b"FILE", "no MFT record where the boot sector says"
    f.seek(old); f.write(b"\0" * 4096)
    f.seek(new); f.write(records)
    f.seek(48); f.write(struct.pack("<Q", new // cluster))
EOF
}

rm -f "$out/ntfs-far-mft.img" "$out/ntfs-lost-mft.img" "$out/gpt-ntfs-far-mft.img" "$out/fat32-superfloppy.img"
truncate -s 2G "$out/ntfs-far-mft.img"
mkntfs -Q -F -q -L WinData -c 4096 "$out/ntfs-far-mft.img" >/dev/null 2>&1
cp --sparse=always "$out/ntfs-far-mft.img" "$out/ntfs-lost-mft.img"
move_mft "$out/ntfs-far-mft.img" $((1536 << 20))
move_mft "$out/ntfs-lost-mft.img" $((1536 << 20))
# The lost one: the MFT pointer now names cluster 1 Mi (4 GiB), past the 2 GiB volume.
python3 -c "
import struct, sys
with open(sys.argv[1], 'r+b') as f:
    f.seek(48); f.write(struct.pack('<Q', 1 << 20))
" "$out/ntfs-lost-mft.img"

truncate -s 3G "$out/gpt-ntfs-far-mft.img"
sgdisk -U 3AF1D5E0-0000-4000-8000-000000000020 -n 1:2048:+2G -t 1:0700 \
  -u 1:3AF1D5E0-0001-4000-8000-000000000020 "$out/gpt-ntfs-far-mft.img" >/dev/null
# Copy only the NTFS image's data extents into partition 1.
python3 - "$out/ntfs-far-mft.img" "$out/gpt-ntfs-far-mft.img" $((2048 * 512)) <<'EOF'
import os, sys
src, dst, base = sys.argv[1], sys.argv[2], int(sys.argv[3])
s, d = os.open(src, os.O_RDONLY), os.open(dst, os.O_RDWR)
size, pos = os.fstat(s).st_size, 0
while pos < size:
    try:
        start = os.lseek(s, pos, os.SEEK_DATA)
    except OSError:
        break
    end = os.lseek(s, start, os.SEEK_HOLE)
    while start < end:
        chunk = os.pread(s, min(1 << 20, end - start), start)
        os.pwrite(d, chunk, base + start)
        start += len(chunk)
    pos = end
EOF

truncate -s 2G "$out/fat32-superfloppy.img"
mkfs.fat -F 32 -i 20262020 -n SUPERFLOPPY "$out/fat32-superfloppy.img" >/dev/null
printf 'BOOTLABEL  ' | dd of="$out/fat32-superfloppy.img" bs=1 seek=71 conv=notrunc status=none

rm -f "$out/gpt-zero-length.img"
truncate -s 64M "$out/gpt-zero-length.img"
mkext4 "$out/gpt-zero-length.img" 4096 65536 20202020-0000-4000-8000-000000000002 second
sgdisk -U 20202020-0000-4000-8000-000000000000 -n 1:2048:4095 -u 1:20202020-0000-4000-8000-000000000001 \
  -n 2:4096:69631 -u 2:20202020-0000-4000-8000-000000000002 "$out/gpt-zero-length.img" >/dev/null
python3 - "$out/gpt-zero-length.img" <<'EOF'
import struct, sys, zlib
with open(sys.argv[1], "r+b") as f:
    size = f.seek(0, 2)
    for header_lba in (1, size // 512 - 1):
        f.seek(header_lba * 512); h = bytearray(f.read(92))
        entries_lba, count, entry_size = struct.unpack_from("<QII", h, 72)
        f.seek(entries_lba * 512); entries = bytearray(f.read(count * entry_size))
        struct.pack_into("<QQ", entries, 32, 4096, 4095)  # entry 1: first LBA 4096, last LBA 4095
        f.seek(entries_lba * 512); f.write(entries)
        struct.pack_into("<I", h, 88, zlib.crc32(entries))
        struct.pack_into("<I", h, 16, 0)
        struct.pack_into("<I", h, 16, zlib.crc32(bytes(h[:struct.unpack_from("<I", h, 12)[0]])))
        f.seek(header_lba * 512); f.write(h)
EOF
