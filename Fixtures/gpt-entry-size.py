#!/usr/bin/env python3
"""gpt-entry-size.py IMG SIZE: rewrite IMG's GPT (primary and backup) with SIZE-byte
partition entries (a multiple of 128, as the UEFI specification allows), keeping the
entry count, moving each 128-byte entry to the start of its SIZE-byte slot, and fixing both
headers' fields and CRCs. The first usable LBA must leave room for the larger array.
"""
import struct
import sys
import zlib

SECTOR = 512


def main() -> None:
    img, size = sys.argv[1], int(sys.argv[2])
    with open(img, "r+b") as f:
        f.seek(SECTOR)
        primary = bytearray(f.read(SECTOR))
        assert primary[:8] == b"EFI PART"
        (my_lba, alt_lba, first, last) = struct.unpack_from("<QQQQ", primary, 24)
        entries_lba, count, old_size = struct.unpack_from("<QII", primary, 72)
        f.seek(entries_lba * SECTOR)
        old = f.read(count * old_size)
        new = bytearray(count * size)
        for i in range(count):
            new[i * size:i * size + old_size] = old[i * old_size:(i + 1) * old_size]
        sectors = (len(new) + SECTOR - 1) // SECTOR
        assert entries_lba + sectors <= first, "first usable LBA leaves no room"
        crc = zlib.crc32(bytes(new)) & 0xFFFFFFFF
        for header_lba, array_lba in ((my_lba, entries_lba), (alt_lba, alt_lba - sectors)):
            f.seek(header_lba * SECTOR)
            h = bytearray(f.read(SECTOR))
            struct.pack_into("<QQ", h, 24, header_lba, my_lba if header_lba == alt_lba else alt_lba)
            struct.pack_into("<QQII", h, 40, first, min(last, alt_lba - sectors - 1), 0, 0)
            struct.pack_into("<QIII", h, 72, array_lba, count, size, crc)
            struct.pack_into("<I", h, 16, 0)
            hs = struct.unpack_from("<I", h, 12)[0]
            struct.pack_into("<I", h, 16, zlib.crc32(bytes(h[:hs])) & 0xFFFFFFFF)
            f.seek(header_lba * SECTOR)
            f.write(h)
            f.seek(array_lba * SECTOR)
            f.write(new)


if __name__ == "__main__":
    main()
