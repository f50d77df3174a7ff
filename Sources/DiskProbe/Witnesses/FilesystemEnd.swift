/// The structure a filesystem keeps near its end, which mkfs always writes: ext2/3/4's last
/// backup superblock, XFS's last allocation group's superblock, NTFS's backup boot sector,
/// Btrfs's last superblock mirror.
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
        /// Btrfs: a superblock mirror, "_BHRfS_M" at 0x40 and its own offset in `bytenr`.
        case btrfs(offset: UInt64)
        /// NTFS: an MFT record, "FILE" at 0 ("BAAD" for one a check found torn: still written).
        case ntfsRecord
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
        case .btrfs(let offset):
            return LittleEndian.matches(bytes, at: 0x40, "_BHRfS_M") && LittleEndian.u64(bytes, 0x30) == offset
        case .ntfsRecord:
            return LittleEndian.matches(bytes, at: 0, "FILE") || LittleEndian.matches(bytes, at: 0, "BAAD")
        }
    }
}

/// Finds a filesystem's end witness, and the like structures mkfs spreads through it, from
/// its head. Total functions of hostile bytes: nil (or none) when the fields make no sense.
public enum FilesystemEndParser {
    /// The most structures inside one filesystem that are checked besides its end one;
    /// more (ext without sparse_super on a large disk) are sampled evenly.
    public static let interiorLimit = 64

    /// The end witness of the filesystem libblkid named `type`, whose first bytes are `head`.
    public static func witness(type: String, head: [UInt8]) -> FilesystemEndWitness? {
        structures(type: type, head: head)?.end
    }

    /// The structures before the end one that mkfs writes as well (README.md, "Blank and
    /// half-written volumes"): ext2/3/4's other backup superblocks, XFS's other allocation
    /// groups' superblocks, Btrfs's first mirror, NTFS's MFT mirror. At most `interiorLimit`,
    /// in order.
    public static func interior(type: String, head: [UInt8]) -> [FilesystemEndWitness] {
        structures(type: type, head: head)?.interior ?? []
    }

    static func structures(type: String, head: [UInt8]) -> (interior: [FilesystemEndWitness], end: FilesystemEndWitness)? {
        switch type {
        case "ext2", "ext3", "ext4", "ext4dev": ext(head)
        case "xfs": xfs(head)
        case "ntfs": ntfs(head).map { end in (ntfsMFTMirror(head, before: end.offset).map { [$0] } ?? [], end) }
        case "btrfs": btrfs(head)
        default: nil
        }
    }

    /// `items` (ascending) with its last one apart. Every list handed here holds at most
    /// `interiorLimit` + 1 items: `oneThrough` samples the long ones, and sparse_super's
    /// groups (1 and the powers of 3, 5, 7 below 2^32) are fewer than 50.
    static func spread(_ items: [UInt64]) -> (interior: [UInt64], last: UInt64)? {
        guard let last = items.last else { return nil }
        return (Array(items.dropLast()), last)
    }

    /// 1 through `n`: all of them, or `interiorLimit` + 1 spread evenly with both ends kept
    /// (a 16 TiB ext2 has 131,072 groups; the list is sampled before it is built).
    static func oneThrough(_ n: UInt64) -> [UInt64] {
        let limit = UInt64(interiorLimit)
        guard n > limit + 1 else { return n == 0 ? [] : Array(1...n) }
        return (0...limit).map { 1 + $0 * (n - 1) / limit }
    }

    /// ext2/3/4: the superblock copies — every group without `sparse_super`, groups 1 and
    /// the powers of 3, 5 and 7 with it, the two `s_backup_bgs` with `sparse_super2`. Each
    /// starts its group's first block; the last is the end witness.
    static func ext(_ b: [UInt8]) -> (interior: [FilesystemEndWitness], end: FilesystemEndWitness)? {
        let sb = 1024
        guard let (blockSize, log, blocks) = FilesystemSizeParser.extGeometry(b, need: sb + 0x254) else { return nil }
        let first = UInt64(LittleEndian.u32(b, sb + 0x14))
        let perGroup = UInt64(LittleEndian.u32(b, sb + 0x20))
        guard perGroup >= 8, blocks > first, blocks < 1 << 48 else { return nil }
        let groups = (blocks - first + perGroup - 1) / perGroup
        guard groups >= 2 else { return nil }
        let backups: [UInt64]
        if LittleEndian.u32(b, sb + 0x5C) & 0x200 != 0 {
            // sparse_super2: at most two backups, named in the superblock (0: none).
            backups = Set([UInt64(LittleEndian.u32(b, sb + 0x24C)), UInt64(LittleEndian.u32(b, sb + 0x250))]
                .filter { $0 > 0 && $0 < groups }).sorted()
        } else if LittleEndian.u32(b, sb + 0x64) & 0x1 != 0 {
            var found: Set<UInt64> = [1]
            for base: UInt64 in [3, 5, 7] {
                var p = base
                while p < groups { found.insert(p); p *= base }
            }
            backups = found.filter { $0 < groups }.sorted()
        } else {
            // Every group.
            backups = oneThrough(groups - 1)
        }
        guard let (interior, last) = spread(backups) else { return nil }
        func witness(_ group: UInt64) -> FilesystemEndWitness? {
            let (offset, o) = (first + group * perGroup).multipliedReportingOverflow(by: blockSize)
            guard !o else { return nil }
            return FilesystemEndWitness(offset: offset, count: 1024, what: "backup superblock of group \(group) (of \(groups))",
                                        kind: .ext(logBlockSize: log))
        }
        guard let end = witness(last) else { return nil }
        return (interior.compactMap(witness), end)
    }

    /// XFS: the superblock at the start of each allocation group after the first; the last
    /// group's is the end witness.
    static func xfs(_ b: [UInt8]) -> (interior: [FilesystemEndWitness], end: FilesystemEndWitness)? {
        guard b.count >= 96, LittleEndian.matches(b, at: 0, "XFSB") else { return nil }
        let blockSize = UInt64(BigEndian.u32(b, 4))
        let dblocks = BigEndian.u64(b, 8)
        let agBlocks = UInt64(BigEndian.u32(b, 84))
        let agCount = UInt64(BigEndian.u32(b, 88))
        guard blockSize >= 512, blockSize <= 65536, agCount >= 2, agBlocks > 0,
              (agCount - 1) * agBlocks < dblocks else { return nil }
        guard let (interior, last) = spread(oneThrough(agCount - 1)) else { return nil }
        func witness(_ ag: UInt64) -> FilesystemEndWitness? {
            let (offset, o) = (ag * agBlocks).multipliedReportingOverflow(by: blockSize)
            guard !o else { return nil }
            return FilesystemEndWitness(offset: offset, count: 512, what: "superblock of allocation group \(ag) (of \(agCount))",
                                        kind: .xfs(blockSize: UInt32(blockSize)))
        }
        guard let end = witness(last) else { return nil }
        return (interior.compactMap(witness), end)
    }

    /// Btrfs: the superblock mirrors mkfs.btrfs writes at 64 MiB and 256 GiB, those that fit
    /// in the device's size (`dev_item.total_bytes`); the last one is the end witness.
    static func btrfs(_ b: [UInt8]) -> (interior: [FilesystemEndWitness], end: FilesystemEndWitness)? {
        guard let size = FilesystemSizeParser.btrfs(b)?.claimedBytes else { return nil }
        let mirrors: [UInt64] = [64 << 20, 256 << 30].filter { $0 + 4096 <= size }
        guard let (interior, last) = spread(mirrors) else { return nil }
        func witness(_ offset: UInt64) -> FilesystemEndWitness {
            FilesystemEndWitness(offset: offset, count: 4096, what: "superblock mirror at \(offset >= 1 << 30 ? "\(offset >> 30) GiB" : "\(offset >> 20) MiB")",
                                 kind: .btrfs(offset: offset))
        }
        return (interior.map(witness), witness(last))
    }

    /// NTFS: the first record of `$MFTMirr`, the copy of the MFT's first records, at the
    /// cluster the boot sector names — the middle of the volume where mkntfs puts it, near
    /// the start where Windows does; only when it lies before the backup boot sector.
    static func ntfsMFTMirror(_ b: [UInt8], before end: UInt64) -> FilesystemEndWitness? {
        guard let (cluster, record) = ntfsGeometry(b) else { return nil }
        let (offset, o) = LittleEndian.u64(b, 0x38).multipliedReportingOverflow(by: cluster)
        guard !o, offset > 0, offset < end, end - offset >= record else { return nil }
        return FilesystemEndWitness(offset: offset, count: Int(record), what: "MFT mirror ($MFTMirr)", kind: .ntfsRecord)
    }

    /// An NTFS boot sector's cluster size and MFT record size in bytes: bytes per sector ×
    /// sectors per cluster (above 128: 2^(256 − n), for clusters over 64 KiB), and the
    /// clusters per record at 0x40 (below zero: 2^-n bytes).
    static func ntfsGeometry(_ b: [UInt8]) -> (cluster: UInt64, record: UInt64)? {
        guard b.count >= 0x41, LittleEndian.matches(b, at: 3, "NTFS    ") else { return nil }
        let bps = UInt64(LittleEndian.u16(b, 0x0B)), raw = UInt64(b[0x0D])
        let spc: UInt64 = raw > 128 ? (256 - raw <= 20 ? 1 << (256 - raw) : 0) : raw
        guard bps >= 256, bps <= 4096, bps & (bps - 1) == 0, spc > 0 else { return nil }
        let cluster = bps * spc
        let perRecord = Int8(bitPattern: b[0x40])
        let record: UInt64 = perRecord > 0 ? UInt64(perRecord) * cluster : (perRecord < 0 && perRecord > -31 ? 1 << UInt64(-Int(perRecord)) : 0)
        guard record > 0, record <= 64 << 10 else { return nil }
        return (cluster, record)
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
