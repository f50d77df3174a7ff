/// The structure a filesystem keeps near its end, which mkfs always writes: ext2/3/4's last
/// backup superblock, XFS's last allocation group's superblock, NTFS's backup boot sector.
/// A copy that stopped inside the filesystem lacks it, even where nothing else says where
/// the data should end (a DOS label, a whole-disk filesystem). README.md, "Blank and
/// half-written volumes".
public struct FilesystemEndWitness: Sendable, Equatable {
    /// Where the structure starts, from the filesystem's start, and how many bytes it takes.
    public var offset: UInt64
    public var count: Int
    /// "backup superblock of group 49", "superblock of allocation group 3", "backup boot sector".
    public var what: String
    let kind: Kind

    /// What is checked is the structure's magic and block size, not its other fields: backup
    /// superblocks may lag behind the primary's counts (an online resize, a crash), and that
    /// is no sign of a short copy.
    enum Kind: Sendable, Equatable {
        /// ext2/3/4: a superblock copy (magic 0xEF53) with the primary's `s_log_block_size`.
        case ext(logBlockSize: UInt32)
        /// XFS: "XFSB" with the primary's `sb_blocksize`.
        case xfs(blockSize: UInt32)
        /// NTFS: "NTFS    " at 3 and the 0x55AA boot signature.
        case ntfs
    }

    /// Whether `bytes`, read at `offset`, hold the structure.
    public func holds(_ bytes: [UInt8]) -> Bool {
        switch kind {
        case .ext(let log):
            return LittleEndian.u16(bytes, 0x38) == 0xEF53 && LittleEndian.u32(bytes, 0x18) == log
        case .xfs(let blockSize):
            return LittleEndian.matches(bytes, at: 0, "XFSB") && BigEndian.u32(bytes, 4) == blockSize
        case .ntfs:
            return LittleEndian.matches(bytes, at: 3, "NTFS    ") && LittleEndian.u16(bytes, 510) == 0xAA55
        }
    }
}

/// Finds a filesystem's end witness from its head. Total functions of hostile bytes: nil
/// when the fields make no sense or the structure would not be near the end.
public enum FilesystemEndParser {
    /// The end witness of the filesystem libblkid named `type`, whose first bytes are `head`.
    public static func witness(type: String, head: [UInt8]) -> FilesystemEndWitness? {
        switch type {
        case "ext2", "ext3", "ext4", "ext4dev": ext(head)
        case "xfs": xfs(head)
        case "ntfs": ntfs(head)
        default: nil
        }
    }

    /// ext2/3/4: the superblock copy in the last group that holds one — every group without
    /// `sparse_super`, groups 1 and the powers of 3, 5 and 7 with it, the two
    /// `s_backup_bgs` with `sparse_super2`. It starts its group's first block.
    static func ext(_ b: [UInt8]) -> FilesystemEndWitness? {
        let sb = 1024
        guard let (blockSize, log, blocks) = FilesystemSizeParser.extGeometry(b, need: sb + 0x254) else { return nil }
        let first = UInt64(LittleEndian.u32(b, sb + 0x14))
        let perGroup = UInt64(LittleEndian.u32(b, sb + 0x20))
        guard perGroup >= 8, blocks > first, blocks < 1 << 48 else { return nil }
        let groups = (blocks - first + perGroup - 1) / perGroup
        guard groups >= 2 else { return nil }
        let last: UInt64?
        if LittleEndian.u32(b, sb + 0x5C) & 0x200 != 0 {
            // sparse_super2: at most two backups, named in the superblock (0: none).
            last = [UInt64(LittleEndian.u32(b, sb + 0x24C)), UInt64(LittleEndian.u32(b, sb + 0x250))]
                .filter { $0 > 0 && $0 < groups }.max()
        } else if LittleEndian.u32(b, sb + 0x64) & 0x1 != 0 {
            var best: UInt64 = 1
            for base: UInt64 in [3, 5, 7] {
                var p = base
                while p < groups { best = max(best, p); p *= base }
            }
            last = best < groups ? best : nil
        } else {
            last = groups - 1
        }
        guard let group = last else { return nil }
        let (offset, o) = (first + group * perGroup).multipliedReportingOverflow(by: blockSize)
        guard !o else { return nil }
        return FilesystemEndWitness(offset: offset, count: 1024, what: "backup superblock of group \(group) (of \(groups))",
                                    kind: .ext(logBlockSize: log))
    }

    /// XFS: the superblock at the start of the last allocation group.
    static func xfs(_ b: [UInt8]) -> FilesystemEndWitness? {
        guard b.count >= 96, LittleEndian.matches(b, at: 0, "XFSB") else { return nil }
        let blockSize = UInt64(BigEndian.u32(b, 4))
        let dblocks = BigEndian.u64(b, 8)
        let agBlocks = UInt64(BigEndian.u32(b, 84))
        let agCount = UInt64(BigEndian.u32(b, 88))
        guard blockSize >= 512, blockSize <= 65536, agCount >= 2, agBlocks > 0,
              (agCount - 1) * agBlocks < dblocks else { return nil }
        let (offset, o) = ((agCount - 1) * agBlocks).multipliedReportingOverflow(by: blockSize)
        guard !o else { return nil }
        return FilesystemEndWitness(offset: offset, count: 512, what: "superblock of allocation group \(agCount - 1) (of \(agCount))",
                                    kind: .xfs(blockSize: UInt32(blockSize)))
    }

    /// NTFS: the backup boot sector, in the sector after the volume's last (the partition's
    /// last sector, where mkntfs and Windows put it).
    static func ntfs(_ b: [UInt8]) -> FilesystemEndWitness? {
        guard b.count >= 0x30, LittleEndian.matches(b, at: 3, "NTFS    ") else { return nil }
        let bps = UInt64(LittleEndian.u16(b, 0x0B))
        guard bps >= 512, bps <= 4096, bps & (bps - 1) == 0 else { return nil }
        let sectors = LittleEndian.u64(b, 0x28)
        guard sectors > 0 else { return nil }
        let (offset, o) = sectors.multipliedReportingOverflow(by: bps)
        guard !o else { return nil }
        return FilesystemEndWitness(offset: offset, count: Int(bps), what: "backup boot sector", kind: .ntfs)
    }
}
