/// The size fields of the less common filesystems libblkid names: F2FS, JFS, NILFS2,
/// ReiserFS, Minix, SquashFS, EROFS and ISO 9660 (README.md, "Filesystem sizes"). Each
/// superblock lies inside `FilesystemSizeParser.headBytes`; the same rules as the others
/// hold: any input gives a claim or nil, and a product that overflows gives nil.
extension FilesystemSizeParser {
    /// F2FS: `block_count` × `1 << log_blocksize` (superblock at 1 KiB).
    static func f2fs(_ b: [UInt8]) -> FilesystemSizeClaim? {
        let sb = 1024
        guard b.count >= sb + 44, LittleEndian.u32(b, sb) == 0xF2F5_2010 else { return nil }
        let log = LittleEndian.u32(b, sb + 16)
        guard log >= 9, log <= 16 else { return nil }
        let blocks = LittleEndian.u64(b, sb + 36)
        return product(blocks, UInt64(1) << UInt64(log), "block_count (\(blocks)) × block size (\(1 << Int(log)))")
    }

    /// JFS: the aggregate (`s_size` × `s_pbsize`), or further when the inline journal
    /// (`s_logpxd`) or fsck's work area (`s_fsckpxd`), both in aggregate blocks of
    /// `s_bsize`, end after it; mkfs.jfs puts both at the aggregate's end, outside `s_size`.
    /// Superblock at 32 KiB.
    static func jfs(_ b: [UInt8]) -> FilesystemSizeClaim? {
        let sb = 0x8000
        guard b.count >= sb + 88, LittleEndian.matches(b, at: sb, "JFS1") else { return nil }
        let physical = UInt64(LittleEndian.u32(b, sb + 24))
        let block = UInt64(LittleEndian.u32(b, sb + 16))
        guard physical >= 512, physical <= block, block <= 65536,
              physical & (physical - 1) == 0, block & (block - 1) == 0 else { return nil }
        let size = LittleEndian.u64(b, sb + 8)
        guard let aggregate = product(size, physical, "s_size (\(size)) × s_pbsize (\(physical))") else { return nil }
        var claim = aggregate
        for (name, at) in [("s_logpxd", sb + 72), ("s_fsckpxd", sb + 80)] {
            // pxd_t: 24-bit length, then the address's 8 high and 32 low bits.
            let word = LittleEndian.u32(b, at)
            let length = UInt64(word & 0xFF_FFFF)
            let address = UInt64(word >> 24) << 32 | UInt64(LittleEndian.u32(b, at + 4))
            guard length > 0, let end = product(address + length, block, "") else { continue }
            if end.claimedBytes > claim.claimedBytes {
                claim = FilesystemSizeClaim(claimedBytes: end.claimedBytes,
                                            field: "\(name) end (block \(address) + \(length)) × s_bsize (\(block)); s_size × s_pbsize is \(aggregate.claimedBytes)")
            }
        }
        return claim
    }

    /// NILFS2: `s_dev_size`, the size of the device it was made for (or resized to), in
    /// bytes; its second superblock sits at that device's end. Superblock at 1 KiB.
    static func nilfs2(_ b: [UInt8]) -> FilesystemSizeClaim? {
        let sb = 1024
        guard b.count >= sb + 40, LittleEndian.u16(b, sb + 6) == 0x3434 else { return nil }
        let bytes = LittleEndian.u64(b, sb + 32)
        guard bytes > 0 else { return nil }
        return FilesystemSizeClaim(claimedBytes: bytes, field: "s_dev_size (\(bytes))")
    }

    /// ReiserFS 3.5/3.6 (and a relocated-journal "JR" one): `s_block_count` × `s_blocksize`
    /// (superblock at 64 KiB).
    static func reiserfs(_ b: [UInt8]) -> FilesystemSizeClaim? {
        let sb = 0x10000
        guard b.count >= sb + 62,
              ["ReIsErFs", "ReIsEr2Fs", "ReIsEr3Fs"].contains(where: { LittleEndian.matches(b, at: sb + 52, $0.utf8) })
        else { return nil }
        let size = UInt64(LittleEndian.u16(b, sb + 44))
        guard size >= 512, size <= 65536, size & (size - 1) == 0 else { return nil }
        let blocks = UInt64(LittleEndian.u32(b, sb))
        return product(blocks, size, "s_block_count (\(blocks)) × s_blocksize (\(size))")
    }

    /// Minix v1/v2 (`s_nzones`, or `s_zones` for v2, × 1 KiB << `s_log_zone_size`) and v3
    /// (`s_zones` × `s_blocksize` << `s_log_zone_size`); superblock at 1 KiB, little-endian.
    static func minix(_ b: [UInt8]) -> FilesystemSizeClaim? {
        let sb = 1024
        guard b.count >= sb + 32 else { return nil }
        if LittleEndian.u16(b, sb + 24) == 0x4D5A {
            let size = UInt64(LittleEndian.u16(b, sb + 28))
            let log = UInt64(LittleEndian.u16(b, sb + 12))
            guard size >= 512, size & (size - 1) == 0, log <= 16 else { return nil }
            let zones = UInt64(LittleEndian.u32(b, sb + 20))
            return product(zones, size << log, "s_zones (\(zones)) × zone size (\(size << log))")
        }
        let magic = LittleEndian.u16(b, sb + 16)
        let log = UInt64(LittleEndian.u16(b, sb + 10))
        guard log <= 16 else { return nil }
        switch magic {
        case 0x137F, 0x138F:
            let zones = UInt64(LittleEndian.u16(b, sb + 2))
            return product(zones, 1024 << log, "s_nzones (\(zones)) × zone size (\(1024 << log))")
        case 0x2468, 0x2478:
            let zones = UInt64(LittleEndian.u32(b, sb + 20))
            return product(zones, 1024 << log, "s_zones (\(zones)) × zone size (\(1024 << log))")
        default: return nil
        }
    }

    /// SquashFS 4: `bytes_used`, the archive's length (superblock at 0).
    static func squashfs(_ b: [UInt8]) -> FilesystemSizeClaim? {
        guard b.count >= 48, LittleEndian.matches(b, at: 0, "hsqs"), LittleEndian.u16(b, 28) == 4 else { return nil }
        let bytes = LittleEndian.u64(b, 40)
        guard bytes > 0 else { return nil }
        return FilesystemSizeClaim(claimedBytes: bytes, field: "bytes_used (\(bytes))")
    }

    /// EROFS: `blocks` × `1 << blkszbits` (superblock at 1 KiB).
    static func erofs(_ b: [UInt8]) -> FilesystemSizeClaim? {
        let sb = 1024
        guard b.count >= sb + 40, LittleEndian.u32(b, sb) == 0xE0F5_E1E2 else { return nil }
        let bits = UInt64(b[sb + 12])
        guard bits >= 9, bits <= 16 else { return nil }
        let blocks = UInt64(LittleEndian.u32(b, sb + 36))
        return product(blocks, 1 << bits, "blocks (\(blocks)) × block size (\(1 << bits))")
    }

    /// ISO 9660: the primary volume descriptor's Volume Space Size × Logical Block Size
    /// (the little-endian halves of both-endian fields; descriptor at 32 KiB).
    static func iso9660(_ b: [UInt8]) -> FilesystemSizeClaim? {
        let pvd = 0x8000
        guard b.count >= pvd + 132, b[pvd] == 1, LittleEndian.matches(b, at: pvd + 1, "CD001") else { return nil }
        let size = UInt64(LittleEndian.u16(b, pvd + 128))
        guard size >= 512, size <= 65536, size & (size - 1) == 0 else { return nil }
        let blocks = UInt64(LittleEndian.u32(b, pvd + 80))
        return product(blocks, size, "Volume Space Size (\(blocks)) × Logical Block Size (\(size))")
    }
}
