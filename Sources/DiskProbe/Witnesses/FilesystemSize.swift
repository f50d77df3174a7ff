#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import AuditCore

/// The size a filesystem or container header says it occupies, read from its own
/// superblock field (README.md, "Filesystem sizes").
public struct FilesystemSizeClaim: Codable, Sendable, Equatable {
    /// The bytes the filesystem needs from its start.
    public var claimedBytes: UInt64
    /// Where the number comes from, e.g. "s_blocks_count (2621440) × block size (4096)".
    public var field: String
    /// Whether the number is a whole size (false: only a lower bound, e.g. a LUKS1
    /// header, whose payload runs to the end of whatever holds it).
    public var isLowerBound: Bool

    /// Creates the value from its fields.
    public init(claimedBytes: UInt64, field: String, isLowerBound: Bool = false) {
        self.claimedBytes = claimedBytes
        self.field = field
        self.isLowerBound = isLowerBound
    }
}

/// Pure parsers of the size fields of ext2/3/4, XFS, Btrfs, NTFS, FAT, exFAT, swap and LUKS1/2
/// headers, and of the less common filesystems in FilesystemSizeMore.swift. Total functions
/// of hostile bytes: any input gives a claim or nil; products that overflow give nil.
public enum FilesystemSizeParser {
    /// How many bytes from the start of a filesystem the parsers look at (Btrfs's
    /// superblock ends at 68 KiB; a LUKS2 JSON area may reach 4 MiB, read as far as copied).
    public static let headBytes = 256 << 10

    /// The libblkid TYPE names `claim` has a parser for (the fuzz targets run each).
    public static let parsedTypes = ["ext2", "ext3", "ext4", "ext4dev", "jbd", "xfs", "btrfs", "ntfs", "vfat", "msdos",
                                     "exfat", "swap", "crypto_LUKS", "f2fs", "jfs", "nilfs2", "reiserfs", "minix",
                                     "squashfs", "erofs", "iso9660"]

    /// The claim of the filesystem libblkid named `type` whose first bytes are `head`.
    public static func claim(type: String, head: [UInt8]) -> FilesystemSizeClaim? {
        switch type {
        case "ext2", "ext3", "ext4", "ext4dev", "jbd": ext(head)
        case "xfs": xfs(head)
        case "btrfs": btrfs(head)
        case "ntfs": ntfs(head)
        case "vfat", "msdos": fat(head)
        case "exfat": exfat(head)
        case "swap": swap(head)
        case "crypto_LUKS": luks(head)
        case "f2fs": f2fs(head)
        case "jfs": jfs(head)
        case "nilfs2": nilfs2(head)
        case "reiserfs": reiserfs(head)
        case "minix": minix(head)
        case "squashfs": squashfs(head)
        case "erofs": erofs(head)
        case "iso9660": iso9660(head)
        default: nil
        }
    }

    /// The block size, its `s_log_block_size` and the block count of the ext2/3/4 superblock
    /// at 1 KiB in `b`, when `b` holds at least `need` bytes (from the filesystem's start).
    static func extGeometry(_ b: [UInt8], need: Int) -> (blockSize: UInt64, log: UInt32, blocks: UInt64)? {
        let sb = 1024
        guard b.count >= max(need, sb + 0x158), LittleEndian.u16(b, sb + 0x38) == 0xEF53 else { return nil }
        let log = LittleEndian.u32(b, sb + 0x18)
        guard log <= 6 else { return nil }  // blocks of 1 KiB … 64 KiB
        var blocks = UInt64(LittleEndian.u32(b, sb + 0x04))
        // `s_blocks_count_hi` with INCOMPAT_64BIT.
        if LittleEndian.u32(b, sb + 0x60) & 0x80 != 0 { blocks |= UInt64(LittleEndian.u32(b, sb + 0x150)) << 32 }
        return (UInt64(1024) << UInt64(log), log, blocks)
    }

    /// ext2/3/4: `s_blocks_count_lo` (+ `_hi` with INCOMPAT_64BIT) × `1024 << s_log_block_size`.
    static func ext(_ b: [UInt8]) -> FilesystemSizeClaim? {
        guard let g = extGeometry(b, need: 0) else { return nil }
        return product(g.blocks, g.blockSize, "s_blocks_count (\(g.blocks)) × block size (\(g.blockSize))")
    }

    /// XFS: `sb_dblocks` × `sb_blocksize` (big-endian, superblock at 0; the internal log is inside).
    static func xfs(_ b: [UInt8]) -> FilesystemSizeClaim? {
        guard b.count >= 16, LittleEndian.matches(b, at: 0, "XFSB") else { return nil }
        let blockSize = UInt64(BigEndian.u32(b, 4))
        let blocks = BigEndian.u64(b, 8)
        guard blockSize >= 512, blockSize <= 65536 else { return nil }
        return product(blocks, blockSize, "sb_dblocks (\(blocks)) × sb_blocksize (\(blockSize))")
    }

    /// Btrfs: this device's `dev_item.total_bytes`, and for a one-device filesystem the
    /// filesystem's `total_bytes` too (the larger one). Superblock at 64 KiB.
    static func btrfs(_ b: [UInt8]) -> FilesystemSizeClaim? {
        let sb = 0x10000
        guard b.count >= sb + 0x100, LittleEndian.matches(b, at: sb + 0x40, "_BHRfS_M") else { return nil }
        let total = LittleEndian.u64(b, sb + 0x70)
        let devices = LittleEndian.u64(b, sb + 0x88)
        let devTotal = LittleEndian.u64(b, sb + 0xC9 + 8)
        if devices == 1, total > devTotal {
            return FilesystemSizeClaim(claimedBytes: total, field: "total_bytes (\(total)); dev_item.total_bytes is \(devTotal)")
        }
        guard devTotal > 0 else { return nil }
        return FilesystemSizeClaim(claimedBytes: devTotal, field: "dev_item.total_bytes (\(devTotal))"
                                   + (devices == 1 ? "" : "; total_bytes of all \(devices) devices is \(total)"))
    }

    /// NTFS: (total sectors + 1) × bytes per sector: the volume's sectors plus the backup
    /// boot sector after them, which mkntfs places in the partition's last sector.
    static func ntfs(_ b: [UInt8]) -> FilesystemSizeClaim? {
        guard b.count >= 0x30, LittleEndian.matches(b, at: 3, "NTFS    ") else { return nil }
        let bps = UInt64(LittleEndian.u16(b, 0x0B))
        guard bps >= 256, bps <= 4096, bps & (bps - 1) == 0 else { return nil }
        let sectors = LittleEndian.u64(b, 0x28)
        guard sectors < .max else { return nil }
        return product(sectors + 1, bps, "total sectors (\(sectors)) + 1 backup boot sector × bytes per sector (\(bps))")
    }

    /// FAT12/16/32: (BPB_TotSec16, else BPB_TotSec32) × BPB_BytsPerSec.
    static func fat(_ b: [UInt8]) -> FilesystemSizeClaim? {
        guard b.count >= 0x24 else { return nil }
        let bps = UInt64(LittleEndian.u16(b, 0x0B))
        guard bps >= 512, bps <= 4096, bps & (bps - 1) == 0 else { return nil }
        let small = UInt64(LittleEndian.u16(b, 0x13))
        let sectors = small != 0 ? small : UInt64(LittleEndian.u32(b, 0x20))
        guard sectors > 0 else { return nil }
        return product(sectors, bps, "\(small != 0 ? "BPB_TotSec16" : "BPB_TotSec32") (\(sectors)) × BPB_BytsPerSec (\(bps))")
    }

    /// exFAT: VolumeLength (sectors) × 2^BytesPerSectorShift.
    static func exfat(_ b: [UInt8]) -> FilesystemSizeClaim? {
        guard b.count >= 0x70, LittleEndian.matches(b, at: 3, "EXFAT   ") else { return nil }
        let shift = b[0x6C]
        guard shift >= 9, shift <= 12 else { return nil }
        let sectors = LittleEndian.u64(b, 0x48)
        return product(sectors, UInt64(1) << UInt64(shift), "VolumeLength (\(sectors)) × bytes per sector (\(1 << Int(shift)))")
    }

    /// Linux swap: (last_page + 1) × page size; the page size is where "SWAPSPACE2" ends.
    static func swap(_ b: [UInt8]) -> FilesystemSizeClaim? {
        for page in [4096, 8192, 16384, 65536] where b.count >= page {
            guard LittleEndian.matches(b, at: page - 10, "SWAPSPACE2") else { continue }
            // swap_header.info: version (u32) then last_page (u32) after 1024 boot bytes, in the
            // writer's byte order: version 1 tells which.
            let littleVersion = LittleEndian.u32(b, 1024)
            let last = littleVersion == 1 ? UInt64(LittleEndian.u32(b, 1028)) : UInt64(BigEndian.u32(b, 1028))
            return product(last + 1, UInt64(page), "last_page (\(last)) + 1 × page size (\(page))")
        }
        return nil
    }

    /// LUKS1: the payload offset (512-byte sectors) bounds the header and key material; the
    /// payload itself runs to the container's end. LUKS2: every segment's offset + size
    /// (a "dynamic" segment needs at least its offset), and the header areas (2 × hdr_size +
    /// keyslots_size from the JSON config).
    static func luks(_ b: [UInt8]) -> FilesystemSizeClaim? {
        guard b.count >= 0x6C, LittleEndian.matches(b, at: 0, luksMagic) else { return nil }
        let version = BigEndian.u16(b, 6)
        if version == 1 {
            let payload = UInt64(BigEndian.u32(b, 0x68))
            guard payload > 0 else { return nil }
            return FilesystemSizeClaim(claimedBytes: payload * 512, field: "payload-offset (\(payload)) × 512: header and key material",
                                       isLowerBound: true)
        }
        guard version == 2, b.count > 4096 else { return nil }
        let headerSize = BigEndian.u64(b, 8)
        guard headerSize > 4096, headerSize <= 4 << 20 else { return nil }
        let jsonEnd = Int(min(UInt64(b.count), headerSize))
        let area = b[4096..<jsonEnd]
        let text = area.prefix { $0 != 0 }
        guard let root = try? JSONDecoder().decode(JSONValue.self, from: Data(text)), case .object(let object) = root else {
            return FilesystemSizeClaim(claimedBytes: 2 * headerSize, field: "2 × hdr_size (\(headerSize)); the JSON area was not readable",
                                       isLowerBound: true)
        }
        func number(_ value: JSONValue?) -> UInt64? { value?.stringValue.flatMap { UInt64($0) } }
        func members(_ value: JSONValue?) -> [String: JSONValue]? { if case .object(let o)? = value { o } else { nil } }
        var claimed = 2 * headerSize
        var parts = ["2 × hdr_size (\(headerSize))"]
        var lowerBound = false
        if let config = members(object["config"]), let keyslots = number(config["keyslots_size"]) {
            let (v, o) = (2 * headerSize).addingReportingOverflow(keyslots)
            if !o, v > claimed { claimed = v }
            parts[0] += " + keyslots_size (\(keyslots))"
        }
        let segments = members(object["segments"]) ?? [:]
        for key in segments.keys.sorted() {
            guard let segment = members(segments[key]), let offset = number(segment["offset"]) else { continue }
            if let size = number(segment["size"]) {
                let (end, o) = offset.addingReportingOverflow(size)
                guard !o else { continue }
                if end > claimed { claimed = end }
                parts.append("segment \(key): offset \(offset) + size \(size)")
            } else {
                lowerBound = true
                if offset > claimed { claimed = offset }
                parts.append("segment \(key): offset \(offset), size dynamic")
            }
        }
        return FilesystemSizeClaim(claimedBytes: claimed, field: parts.joined(separator: "; "), isLowerBound: lowerBound)
    }

    /// "LUKS\xba\xbe".
    private static let luksMagic: [UInt8] = [0x4C, 0x55, 0x4B, 0x53, 0xBA, 0xBE]

    static func product(_ count: UInt64, _ unit: UInt64, _ field: String) -> FilesystemSizeClaim? {
        let (v, o) = count.multipliedReportingOverflow(by: unit)
        guard !o, v > 0 else { return nil }
        return FilesystemSizeClaim(claimedBytes: v, field: field)
    }
}

/// Bounds-checked big-endian field reads (XFS, LUKS); 0 when out of range.
enum BigEndian {
    static func u16(_ bytes: [UInt8], _ offset: Int) -> UInt16 { UInt16(truncatingIfNeeded: value(bytes, offset, 2)) }
    static func u32(_ bytes: [UInt8], _ offset: Int) -> UInt32 { UInt32(truncatingIfNeeded: value(bytes, offset, 4)) }
    static func u64(_ bytes: [UInt8], _ offset: Int) -> UInt64 { value(bytes, offset, 8) }

    private static func value(_ bytes: [UInt8], _ offset: Int, _ width: Int) -> UInt64 {
        guard offset >= 0, offset <= bytes.count - width else { return 0 }
        var result: UInt64 = 0
        for i in 0..<width { result = (result << 8) | UInt64(bytes[offset + i]) }
        return result
    }
}
