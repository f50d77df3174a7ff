#!/usr/bin/env python3
"""overlay.py SRC DST BYTES: make DST's first BYTES exactly SRC's first BYTES.

Punches a hole over DST's first BYTES, then copies only SRC's data extents (SEEK_DATA /
SEEK_HOLE), so a 10 GiB overlay of a sparse image takes milliseconds and DST stays sparse.
"""
import os
import sys

FALLOC_FL_KEEP_SIZE, FALLOC_FL_PUNCH_HOLE = 0x01, 0x02


def main() -> None:
    src, dst, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
    s = os.open(src, os.O_RDONLY)
    d = os.open(dst, os.O_RDWR)
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.fallocate.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_longlong, ctypes.c_longlong]
        if libc.fallocate(d, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, limit) != 0:
            raise OSError(ctypes.get_errno(), "fallocate punch hole")
        pos = 0
        while pos < limit:
            try:
                data = os.lseek(s, pos, os.SEEK_DATA)
            except OSError:
                break
            if data >= limit:
                break
            hole = min(os.lseek(s, data, os.SEEK_HOLE), limit)
            off = data
            while off < hole:
                chunk = os.pread(s, min(8 << 20, hole - off), off)
                os.pwrite(d, chunk, off)
                off += len(chunk)
            pos = hole
    finally:
        os.close(s)
        os.close(d)


if __name__ == "__main__":
    main()
