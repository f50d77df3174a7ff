#!/usr/bin/env python3
"""Writes the four ZFS vdev labels of one pool member into an image, as `zpool create`
would (on-disk format: the vdev label of the ZFS on-disk specification — 8 KiB blank, 8 KiB
boot header, 112 KiB XDR nvlist, 128 KiB of uberblocks; labels 0 and 1 at the start, 2 and
3 in the last 512 KiB), for machines without the ZFS kernel module. libblkid's zfs_member
probe reads the result (pool GUID, vdev GUID, pool name); the fixture scripts check it.

usage: zfslabel.py IMG POOL_NAME POOL_GUID VDEV_GUID TOP_TYPE CHILD_GUIDS
  TOP_TYPE     "mirror" (CHILD_GUIDS: comma-separated leaf GUIDs, VDEV_GUID among them)
               or "disk" (a single-device top-level vdev; CHILD_GUIDS "-")
"""
import os
import struct
import sys

LABEL = 256 * 1024
UB_MAGIC = 0x00BAB10C
DATA_TYPE_UINT64, DATA_TYPE_STRING, DATA_TYPE_NVLIST, DATA_TYPE_NVLIST_ARRAY = 8, 9, 19, 20


def xdr_string(s: bytes) -> bytes:
    return struct.pack(">I", len(s)) + s + b"\0" * ((4 - len(s) % 4) % 4)


def pair(name: str, kind: int, value) -> bytes:
    if kind == DATA_TYPE_UINT64:
        body, nelem = struct.pack(">Q", value), 1
    elif kind == DATA_TYPE_STRING:
        body, nelem = xdr_string(value.encode()), 1
    elif kind == DATA_TYPE_NVLIST:
        body, nelem = embedded(value), 1
    else:
        body, nelem = b"".join(embedded(v) for v in value), len(value)
    rest = xdr_string(name.encode()) + struct.pack(">II", kind, nelem) + body
    size = 8 + len(rest)
    return struct.pack(">II", size, size) + rest


def embedded(pairs) -> bytes:
    """An nvlist inside a pair: version, flags, pairs, and the two zero words that end it."""
    return struct.pack(">II", 0, 1) + b"".join(pair(*p) for p in pairs) + struct.pack(">II", 0, 0)


def main() -> None:
    img, name, pool_guid, guid, top_type, children = sys.argv[1:7]
    pool_guid, guid = int(pool_guid), int(guid)
    size = os.path.getsize(img)
    osize = size - size % LABEL
    asize = osize - 4 * 1024 * 1024 - 2 * LABEL  # vdev_open: labels and boot area off the aligned size
    if top_type == "mirror":
        leaves = [int(c) for c in children.split(",")]
        tree = [("type", DATA_TYPE_STRING, "mirror"), ("id", DATA_TYPE_UINT64, 0),
                ("guid", DATA_TYPE_UINT64, 0x7000 + pool_guid % 0x1000), ("metaslab_array", DATA_TYPE_UINT64, 256),
                ("metaslab_shift", DATA_TYPE_UINT64, 24), ("ashift", DATA_TYPE_UINT64, 12),
                ("asize", DATA_TYPE_UINT64, asize), ("is_log", DATA_TYPE_UINT64, 0),
                ("children", DATA_TYPE_NVLIST_ARRAY,
                 [[("type", DATA_TYPE_STRING, "disk"), ("id", DATA_TYPE_UINT64, i), ("guid", DATA_TYPE_UINT64, g),
                   ("path", DATA_TYPE_STRING, f"/dev/vd{chr(98 + i)}1")] for i, g in enumerate(leaves)])]
        top_guid = 0x7000 + pool_guid % 0x1000
    else:
        tree = [("type", DATA_TYPE_STRING, "disk"), ("id", DATA_TYPE_UINT64, 0), ("guid", DATA_TYPE_UINT64, guid),
                ("path", DATA_TYPE_STRING, "/dev/vdb1"), ("metaslab_array", DATA_TYPE_UINT64, 256),
                ("metaslab_shift", DATA_TYPE_UINT64, 24), ("ashift", DATA_TYPE_UINT64, 12),
                ("asize", DATA_TYPE_UINT64, asize), ("is_log", DATA_TYPE_UINT64, 0)]
        top_guid = guid
    pairs = [("version", DATA_TYPE_UINT64, 5000), ("name", DATA_TYPE_STRING, name), ("state", DATA_TYPE_UINT64, 0),
             ("txg", DATA_TYPE_UINT64, 4), ("pool_guid", DATA_TYPE_UINT64, pool_guid),
             ("hostname", DATA_TYPE_STRING, "pgtest1"), ("top_guid", DATA_TYPE_UINT64, top_guid),
             ("guid", DATA_TYPE_UINT64, guid), ("vdev_children", DATA_TYPE_UINT64, 1),
             ("vdev_tree", DATA_TYPE_NVLIST, tree)]
    # The label's nvlist: XDR encoding, big-endian host flag, then the embedded form.
    nvlist = bytes([1, 0, 0, 0]) + embedded(pairs)
    label = bytearray(LABEL)
    label[16 * 1024:16 * 1024 + len(nvlist)] = nvlist
    for i in range(4):  # four uberblocks (of 128) written, as after the first txgs
        struct.pack_into("<QQQQQ", label, 128 * 1024 + i * 1024, UB_MAGIC, 5000, 4 + i, pool_guid, 1733100000)
    with open(img, "r+b") as f:
        for offset in (0, LABEL, osize - 2 * LABEL, osize - LABEL):
            f.seek(offset)
            f.write(label)


if __name__ == "__main__":
    main()
