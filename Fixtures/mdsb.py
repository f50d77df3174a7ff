#!/usr/bin/env python3
"""Writes a Linux md 1.x superblock (struct mdp_superblock_1 of the kernel's md_p.h) into an
image, as `mdadm --create --metadata=1.0|1.1|1.2` would, for machines where md arrays cannot
be assembled (no md kernel module in a container). The fixture scripts check every result
with `mdadm --examine`.

usage: mdsb.py IMG VERSION ARRAY_UUID DEVICE_UUID ROLE RAID_DISKS NAME [DEVICE_BYTES [OFFSET]]
  VERSION       1.0 (at the end), 1.1 (at 0) or 1.2 (at 4 KiB)
  DEVICE_BYTES  the member's device size (default: the image's size)
  OFFSET        where the member device starts in IMG, in bytes (a partition; default 0)
"""
import os
import struct
import sys
import uuid


def checksum(sb: bytes, max_dev: int) -> int:
    """calc_sb_1_csum of mdadm's super1.c."""
    size = 256 + 2 * max_dev
    total = 0
    for i in range(0, size - size % 4, 4):
        if i != 216:
            total += struct.unpack_from("<I", sb, i)[0]
    if size % 4 == 2:
        total += struct.unpack_from("<H", sb, size - 2)[0]
    return ((total & 0xFFFFFFFF) + (total >> 32)) & 0xFFFFFFFF


def main() -> None:
    img, version, array_uuid, device_uuid, role, raid_disks, name = sys.argv[1:8]
    device_bytes = int(sys.argv[8]) if len(sys.argv) > 8 else os.path.getsize(img)
    offset = int(sys.argv[9]) if len(sys.argv) > 9 else 0
    role, raid_disks = int(role), int(raid_disks)
    sectors = device_bytes // 512
    max_dev = 128
    if version == "1.0":
        super_offset = (sectors - 16) & ~7
        data_offset = 0
        data_size = super_offset - 16
    else:
        super_offset = 0 if version == "1.1" else 8
        data_offset = 2048
        data_size = (sectors - data_offset) & ~7
    sb = bytearray(4096)
    struct.pack_into("<IIII", sb, 0, 0xA92B4EFC, 1, 0, 0)
    sb[16:32] = uuid.UUID(array_uuid).bytes
    sb[32:64] = name.encode()[:32].ljust(32, b"\0")
    struct.pack_into("<QiiQII", sb, 64, 1733100000, 1, 0, data_size, 0, raid_disks)
    struct.pack_into("<QQQQ", sb, 128, data_offset, data_size, super_offset, 0)
    struct.pack_into("<II", sb, 160, role, 0)
    sb[168:184] = uuid.UUID(device_uuid).bytes
    struct.pack_into("<QQQ", sb, 192, 1733100000, 20, 0xFFFFFFFFFFFFFFFF)
    struct.pack_into("<I", sb, 220, max_dev)
    for i in range(max_dev):
        struct.pack_into("<H", sb, 256 + 2 * i, i if i < raid_disks else 0xFFFF)
    struct.pack_into("<I", sb, 216, checksum(bytes(sb), max_dev))
    with open(img, "r+b") as f:
        f.seek(offset + super_offset * 512)
        f.write(sb)


if __name__ == "__main__":
    main()
