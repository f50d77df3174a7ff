#!/usr/bin/env python3
"""Writes the Windows Logical Disk Manager (dynamic disk) metadata of one disk of a disk group
into an image, as Windows' Disk Management does when a disk is converted to dynamic: the
PRIVHEAD (sector 6 on an MBR disk, and two copies in the database), the four TOCBLOCKs, and the
VMDB with its VBLK records (the disk group, every disk of the group, and one mirrored volume
with a partition on each disk). No Windows here: the fixture scripts check the result with
`ldmtool` (libldm), which must list the disk group, its disks and the volume.

All LDM fields are big-endian; offsets and sizes are in sectors of SECTOR bytes.

usage: ldmdb.py IMG DISK_GUID GROUP_GUID GROUP_NAME DISK_GUIDS LOGICAL_START LOGICAL_SIZE
                CONFIG_START [--mbr] [--sector N] [--volume-sectors N]
  DISK_GUIDS     every disk of the group, comma-separated, in order (this disk among them)
  LOGICAL_START  first sector of the data area (the 0x42 partition, or the LDM data partition)
  LOGICAL_SIZE   sectors of the data area
  CONFIG_START   first sector of the 1 MiB database (the disk's last 2048 sectors on MBR;
                 the LDM metadata partition on GPT, whose last sector holds the PRIVHEAD)
  --mbr          also write the PRIVHEAD at sector 6 (an MBR dynamic disk)
  --volume-sectors  size of the mirrored volume (default: the smallest data area is not
                 known here, so LOGICAL_SIZE)
"""
import struct
import sys
import uuid

CONFIG_SECTORS = 2048
VBLK_SIZE = 128


def varint(n: int) -> bytes:
    """LDM's variable-length integer: a length byte, then that many big-endian bytes."""
    raw = n.to_bytes(max(1, (n.bit_length() + 7) // 8), "big")
    return bytes([len(raw)]) + raw


def varstr(s: str) -> bytes:
    raw = s.encode()
    return bytes([len(raw)]) + raw


def privhead(disk: str, group: str, name: str, start: int, size: int, config: int) -> bytes:
    ph = bytearray(512)
    ph[0:8] = b"PRIVHEAD"
    struct.pack_into(">IHH", ph, 8, 0x2C, 2, 12)
    struct.pack_into(">QQQQ", ph, 16, 0x01DB_4B1A_0000_0000, 1, 0, 0)
    ph[48:48 + 36] = disk.encode()
    ph[112:112 + 36] = str(uuid.UUID(int=uuid.UUID(group).int ^ 0xFFFF)).encode()  # host GUID
    ph[176:176 + 36] = group.encode()
    ph[240:240 + len(name)] = name.encode()
    struct.pack_into(">QQQQ", ph, 283, start, size, config, CONFIG_SECTORS)
    struct.pack_into(">QQIIQQ", ph, 315, 2, 1, 1, 1, 1473, 224)
    return bytes(ph)


def tocblock() -> bytes:
    toc = bytearray(512)
    toc[0:8] = b"TOCBLOCK"
    struct.pack_into(">I", toc, 8, 1)
    struct.pack_into(">I", toc, 16, 1)
    toc[36:44] = b"config\0\0"
    struct.pack_into(">HQQ", toc, 44, 0, 17, 1473)
    toc[70:78] = b"log\0\0\0\0\0"
    struct.pack_into(">HQQ", toc, 78, 0, 1490, 224)
    return bytes(toc)


def vblk(seq: int, record: int, kind: int, revision: int, data: bytes) -> bytes:
    """One VBLK entry holding a whole record (entries_total 1)."""
    entry = bytearray(VBLK_SIZE)
    entry[0:4] = b"VBLK"
    struct.pack_into(">IIHH", entry, 4, seq, record, 0, 1)
    struct.pack_into(">HBBI", entry, 16, 0, 0, (revision << 4) | kind, len(data))
    assert 24 + len(data) <= VBLK_SIZE, "record does not fit one VBLK"
    entry[24:24 + len(data)] = data
    return bytes(entry)


def blank(seq: int) -> bytes:
    entry = bytearray(VBLK_SIZE)
    entry[0:4] = b"VBLK"
    struct.pack_into(">I", entry, 4, seq)
    return bytes(entry)


def database(group: str, name: str, disks: list, volume_sectors: int) -> bytes:
    """The VMDB sector and the VBLKs after it: disk group (id 1), disks (ids 2…), one mirrored
    volume with one spanned component and one partition per disk."""
    records = []
    records.append((5, 4, varint(1) + varstr(name) + bytes(44)))
    for i, d in enumerate(disks):
        records.append((4, 4, varint(2 + i) + varstr(f"Disk{i + 1}") + uuid.UUID(d).bytes + bytes(29)))
    vol_id = 2 + len(disks)
    vol_guid = uuid.UUID(int=uuid.UUID(group).int ^ 0x1)
    records.append((1, 5, varint(vol_id) + varstr("Volume1") + varstr("gen") + varstr("0")
                    + b"ACTIVE".ljust(14, b"\0") + bytes([3, 0, 1]) + bytes(3) + bytes([0])
                    + varint(len(disks)) + bytes(16) + varint(volume_sectors) + bytes(4) + bytes([0x07])
                    + vol_guid.bytes))
    for i in range(len(disks)):
        comp = vol_id + 1 + i
        records.append((2, 3, varint(comp) + varstr(f"Volume1-0{i + 1}") + varstr("ACTIVE") + bytes([2]) + bytes(4)
                        + varint(1) + bytes(16) + varint(vol_id) + bytes(1)))
    for i in range(len(disks)):
        part, comp = vol_id + 1 + len(disks) + i, vol_id + 1 + i
        records.append((3, 3, varint(part) + varstr(f"Disk{i + 1}-01") + bytes(4) + bytes(8)
                        + struct.pack(">QQ", 0, 0) + varint(volume_sectors) + varint(comp) + varint(2 + i)))
    entries = [vblk(4 + n, 1 + n, kind, rev, data) for n, (kind, rev, data) in enumerate(records)]
    while (len(entries) + 4) % 4:
        entries.append(blank(4 + len(entries)))
    last = 4 + len(entries)
    vmdb = bytearray(512)
    vmdb[0:4] = b"VMDB"
    struct.pack_into(">IIIHHH", vmdb, 4, last, VBLK_SIZE, 512, 1, 4, 10)
    vmdb[22:22 + len(name)] = name.encode()
    vmdb[53:53 + 36] = group.encode()
    n_disks = len(disks)
    struct.pack_into(">QQIIII", vmdb, 117, 7, 7, 1, n_disks, n_disks, n_disks)
    return bytes(vmdb) + b"".join(entries)


def main() -> None:
    args, opts, sector, volume_sectors = [], set(), 512, None
    argv = sys.argv[1:]
    while argv:
        a = argv.pop(0)
        if a == "--sector":
            sector = int(argv.pop(0))
        elif a == "--volume-sectors":
            volume_sectors = int(argv.pop(0))
        elif a.startswith("--"):
            opts.add(a)
        else:
            args.append(a)
    img, disk, group, name, disks, start, size, config = args
    start, size, config = int(start), int(size), int(config)
    volume_sectors = volume_sectors or size
    disks = disks.split(",")
    assert disk in disks and ("--mbr" not in opts or start + size <= config)
    ph = privhead(disk, group, name, start, size, config)
    toc = tocblock()
    db = database(group, name, disks, volume_sectors)
    with open(img, "r+b") as f:
        def put(lba: int, data: bytes) -> None:
            f.seek(lba * sector)
            f.write(data)
        if "--mbr" in opts:
            put(6, ph)
        for off in (1, 2, 2045, 2046):
            put(config + off, toc)
        put(config + 17, db)
        put(config + 1856, ph)
        put(config + 2047, ph)


if __name__ == "__main__":
    main()
