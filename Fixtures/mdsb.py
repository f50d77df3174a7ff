#!/usr/bin/env python3
"""Writes a Linux md 1.x superblock (struct mdp_superblock_1 of the kernel's md_p.h) into an
image, as `mdadm --create --metadata=1.0|1.1|1.2` would, for machines where md arrays cannot
be assembled (no md kernel module in a container). The fixture scripts check every result
with `mdadm --examine`.

usage: mdsb.py IMG VERSION ARRAY_UUID DEVICE_UUID ROLE RAID_DISKS NAME [DEVICE_BYTES [OFFSET]]
  VERSION       0.90 or 1.0 (at the end), 1.1 (at 0) or 1.2 (at 4 KiB); 0.90 ignores DEVICE_UUID and NAME
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


def write_090(img: str, array_uuid: str, role: int, raid_disks: int, device_bytes: int, offset: int) -> None:
    """A 0.90 superblock (mdp_super_t of md_p.h): 4 KiB in the last 64 KiB-aligned 64 KiB."""
    sb_offset = (device_bytes & ~(65536 - 1)) - 65536
    words = [0] * 1024
    u = uuid.UUID(array_uuid).bytes
    uuid_words = struct.unpack(">4I", u)
    words[0:5] = [0xA92B4EFC, 0, 90, 0, 0]
    words[5] = uuid_words[0]
    words[6], words[7], words[8] = 1733100000, 1, sb_offset // 1024
    words[9], words[10], words[11], words[12] = raid_disks, raid_disks, 0, 0
    words[13:16] = uuid_words[1:4]
    words[32], words[33], words[34], words[35] = 1733100000, 1, raid_disks, raid_disks
    words[39], words[40] = 0, 20  # events_hi, events_lo
    for i in range(raid_disks):  # disks[i]: number, major, minor, raid_disk, state (active, in sync)
        words[128 + 32 * i:128 + 32 * i + 5] = [i, 0, 0, i, 6]
    words[992:997] = [role, 0, 0, role, 6]  # this_disk
    total = sum(words)
    words[38] = ((total & 0xFFFFFFFF) + (total >> 32)) & 0xFFFFFFFF
    with open(img, "r+b") as f:
        f.seek(offset + sb_offset)
        f.write(struct.pack("<1024I", *words))


def main() -> None:
    img, version, array_uuid, device_uuid, role, raid_disks, name = sys.argv[1:8]
    device_bytes = int(sys.argv[8]) if len(sys.argv) > 8 else os.path.getsize(img)
    offset = int(sys.argv[9]) if len(sys.argv) > 9 else 0
    role, raid_disks = int(role), int(raid_disks)
    if version == "0.90":
        write_090(img, array_uuid, role, raid_disks, device_bytes, offset)
        return
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
