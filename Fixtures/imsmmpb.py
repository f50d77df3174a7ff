#!/usr/bin/env python3
"""Writes the Intel Matrix Storage Manager (IMSM, "isw") metadata block (MPB) of a RAID
container into an image, as Intel RST firmware or `mdadm --create --metadata=imsm` would: one
MPB, the same on every member, in the second-to-last sector (and the sectors before it when it
is larger than one). IMSM keeps no per-member identity in it: a member is the disk-table entry
whose serial is the drive's, and whose size (total_blocks) is the member's. Containers cannot
be created here (no md kernel module, no Intel controller): the fixture scripts check every
result with `mdadm --examine` (IMSM_NO_PLATFORM=1).

All IMSM fields are little-endian; the checksum is the 32-bit sum of the MPB's words, less the
checksum field itself.

usage: imsmmpb.py IMG FAMILY DISKS
  FAMILY  the family number (hex), shared by every member
  DISKS   SERIAL:SECTORS for every disk of the container, comma-separated
"""
import struct
import sys

SIGNATURE = b"Intel Raid ISM Cfg Sig. 1.0.00"


def main() -> None:
    img, family, disks = sys.argv[1:4]
    family = int(family, 16)
    disks = [(d.split(":")[0].encode(), int(d.split(":")[1])) for d in disks.split(",")]
    size = 0xD8 + 48 * len(disks)
    mpb = bytearray((size + 511) // 512 * 512)
    mpb[0:len(SIGNATURE)] = SIGNATURE
    struct.pack_into("<IIIIII", mpb, 0x20, 0, size, family, 1, 0, 0)
    struct.pack_into("<BB", mpb, 0x38, len(disks), 0)
    struct.pack_into("<I", mpb, 0x40, family)
    struct.pack_into("<Q", mpb, 0x50, 1733100000)
    for i, (serial, sectors) in enumerate(disks):
        d = 0xD8 + 48 * i
        assert len(serial) <= 16
        mpb[d:d + 16] = serial.ljust(16, b"\0")
        # total_blocks_lo, scsi_id, status (configured), owner_cfg_num, total_blocks_hi
        struct.pack_into("<IIIII", mpb, d + 16, sectors & 0xFFFFFFFF, i << 16, 0x02, 0, sectors >> 32)
    total = sum(struct.unpack_from("<%dI" % (size // 4), mpb, 0)) & 0xFFFFFFFF
    struct.pack_into("<I", mpb, 0x20, total)
    with open(img, "r+b") as f:
        f.seek(0, 2)
        end = f.tell()
        # The first sector of the MPB is the second-to-last; the rest go before it.
        f.seek(end - 1024)
        f.write(mpb[0:512])
        extra = len(mpb) // 512 - 1
        if extra:
            f.seek(end - 1024 - 512 * extra)
            f.write(mpb[512:])


if __name__ == "__main__":
    main()
