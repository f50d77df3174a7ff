#!/usr/bin/env python3
"""Writes SNIA DDF (Disk Data Format) RAID metadata for one physical disk of a DDF container
into an image, as a DDF RAID controller or `mdadm --create --metadata=ddf` would: the anchor
header in the last sector, the primary header 1 MiB before the end, the controller data, the
physical disk records (every disk of the container), empty virtual disk records and
configuration area, and this disk's own physical disk data (its PD GUID and reference number).
Containers cannot be created here (no md kernel module): the fixture scripts check every
result with `mdadm --examine`.

All DDF fields are big-endian; each section's CRC-32 is taken with its CRC field set to
0xffffffff, as mdadm computes it (CRC-32 from 0, no final inversion). LBAs are in 512-byte sectors.

usage: ddfmeta.py IMG CONTAINER_GUID PD_GUIDS THIS_INDEX
  CONTAINER_GUID  24 characters (the DDF header GUID every member shares)
  PD_GUIDS        the container's physical disk GUIDs, 24 characters each, comma-separated;
                  each disk's reference number is 0x2100_0000 + its index
  THIS_INDEX      which of them this image is
"""
import os
import struct
import sys
import zlib

MAX_PD = 15
MAX_VD = 15
MAX_PART = 1
MPPE = 16
CONF_REC_LEN = 1 + (MPPE * 12 + 511) // 512


def crc(block: bytearray) -> None:
    """Sets the CRC field (bytes 4..8) of a DDF structure."""
    struct.pack_into(">I", block, 4, 0xFFFFFFFF)
    # mdadm's crc32 (its copy of zlib's) runs from 0 and skips zlib's final inversion.
    struct.pack_into(">I", block, 4, ~zlib.crc32(bytes(block), 0xFFFFFFFF) & 0xFFFFFFFF)


def guid(text: str) -> bytes:
    raw = text.encode()
    assert len(raw) == 24, "DDF GUIDs are 24 bytes"
    return raw


def header(container: bytes, kind: int, primary: int, workspace: int) -> bytearray:
    h = bytearray(b"\xff" * 512)
    struct.pack_into(">II", h, 0, 0xDE11DE11, 0)
    h[8:32] = container
    h[32:40] = b"01.02.00"
    struct.pack_into(">IIBBB", h, 40, 1, 0x2100_0000, 0, 0, 0)
    struct.pack_into(">QQB", h, 96, primary, 0xFFFFFFFFFFFFFFFF, kind)
    struct.pack_into(">IQHHHHH", h, 116, 32768, workspace, MAX_PD, MAX_VD, MAX_PART, CONF_REC_LEN, MPPE)
    # Sections, in sectors from the primary header: controller 1, physical disk records 2,
    # virtual disk records 2, configuration records, this disk's data 1.
    config_len = CONF_REC_LEN * MAX_PART
    sections = [(1, 1), (2, 2), (4, 2), (6, config_len), (6 + config_len, 1)]
    for i, (off, length) in enumerate(sections):
        struct.pack_into(">II", h, 192 + 8 * i, off, length)
    for i in range(5, 8):  # bad block log, diagnostics, vendor: none
        struct.pack_into(">II", h, 192 + 8 * i, 0xFFFFFFFF, 0)
    crc(h)
    return h


def main() -> None:
    img, container, pds, this = sys.argv[1:5]
    container = guid(container)
    pds = [guid(p) for p in pds.split(",")]
    this = int(this)
    sectors = os.path.getsize(img) // 512
    primary = sectors - 2048
    workspace = primary - 32768

    controller = bytearray(b"\xff" * 512)
    struct.pack_into(">II", controller, 0, 0xAD111111, 0)
    controller[8:32] = b"Linux-MD" + container[8:24]
    struct.pack_into(">HHHH", controller, 32, 0x8086, 0x2100, 0, 0)
    controller[40:56] = b"replica-audit   "
    controller[64:512] = bytes(448)
    crc(controller)

    phys = bytearray(b"\xff" * 1024)
    struct.pack_into(">IIHH", phys, 0, 0x22222222, 0, len(pds), MAX_PD)
    for i, pd in enumerate(pds):
        e = 64 + 64 * i
        phys[e:e + 24] = pd
        # type: forced PD GUID, active in a VD, SCSI; state: online; usable size before the workspace
        struct.pack_into(">IHHQ", phys, e + 24, 0x2100_0000 + i, 0x0103, 0x0001, workspace)
        phys[e + 40:e + 58] = bytes(18)
    crc(phys)

    virt = bytearray(b"\xff" * 1024)
    struct.pack_into(">IIHH", virt, 0, 0xDDDDDDDD, 0, 0, MAX_VD)
    crc(virt)

    config = b"\xff" * (CONF_REC_LEN * MAX_PART * 512)

    data = bytearray(b"\xff" * 512)
    struct.pack_into(">II", data, 0, 0x33333333, 0)
    data[8:32] = pds[this]
    struct.pack_into(">IBB", data, 32, 0x2100_0000 + this, 1, 1)
    data[38:70] = bytes(32)
    crc(data)

    with open(img, "r+b") as f:
        f.seek(primary * 512)
        f.write(header(container, 1, primary, workspace) + controller + phys + virt + config + data)
        f.seek((sectors - 1) * 512)
        f.write(header(container, 0, primary, workspace))


if __name__ == "__main__":
    main()
