/// A GPT header's fields, decoded from one sector without trusting any of them.
public struct GPTHeader: Sendable, Equatable {
    public var revision: UInt32
    public var headerSize: UInt32
    /// The CRC stored in the header.
    public var headerCRC32: UInt32
    /// The CRC computed over `headerSize` bytes with the CRC field zeroed; nil when
    /// `headerSize` is below 92 or larger than the sector.
    public var computedHeaderCRC32: UInt32?
    public var myLBA: UInt64
    public var alternateLBA: UInt64
    public var firstUsableLBA: UInt64
    public var lastUsableLBA: UInt64
    public var diskGUID: String
    public var entriesLBA: UInt64
    public var entryCount: UInt32
    public var entrySize: UInt32
    /// The CRC of the entry array stored in the header.
    public var entriesCRC32: UInt32

    /// Whether the stored header CRC matches the computed one.
    public var headerCRCValid: Bool { computedHeaderCRC32 == headerCRC32 }

    /// "1.0" for revision 0x00010000.
    public var revisionString: String { "\(revision >> 16).\(revision & 0xFFFF)" }
}

/// How large a header's entry array is, bounded before anything is read.
public enum GPTEntriesArraySize: Sendable, Equatable {
    /// A plausible array of this many bytes.
    case bytes(Int)
    /// Count × size overflows, exceeds the limit, or the entry size is below 128 bytes or
    /// not a multiple of 128 (UEFI requires 128 × 2^n).
    case absurd(reason: String)
}

/// Parses GPT headers and checks entry arrays, independently of libfdisk.
///
/// Total functions of hostile bytes: any input gives a value or nil, never a trap; the
/// entry array's size is bounded before it is read.
public enum GPTHeaderParser {
    /// "EFI PART".
    public static let signature: [UInt8] = Array("EFI PART".utf8)
    /// The smallest header the UEFI specification allows.
    public static let minimumHeaderSize = 92
    /// The default cap on an entry array read: 4 MiB (the usual array is 16 KiB).
    public static let defaultEntriesLimit = 4 << 20

    /// The header in `sector`, or nil when the sector does not begin with "EFI PART" or is
    /// shorter than 92 bytes.
    public static func parse(_ sector: [UInt8]) -> GPTHeader? {
        guard sector.count >= minimumHeaderSize, LittleEndian.matches(sector, at: 0, "EFI PART") else { return nil }
        let headerSize = LittleEndian.u32(sector, 12)
        let storedCRC = LittleEndian.u32(sector, 16)
        var computed: UInt32?
        if headerSize >= UInt32(minimumHeaderSize), UInt64(headerSize) <= UInt64(sector.count) {
            computed = CRC32.checksum(sector, 0..<Int(headerSize), zeroing: 16)
        }
        return GPTHeader(
            revision: LittleEndian.u32(sector, 8),
            headerSize: headerSize,
            headerCRC32: storedCRC,
            computedHeaderCRC32: computed,
            myLBA: LittleEndian.u64(sector, 24),
            alternateLBA: LittleEndian.u64(sector, 32),
            firstUsableLBA: LittleEndian.u64(sector, 40),
            lastUsableLBA: LittleEndian.u64(sector, 48),
            diskGUID: GUIDFormat.string(sector, at: 56),
            entriesLBA: LittleEndian.u64(sector, 72),
            entryCount: LittleEndian.u32(sector, 80),
            entrySize: LittleEndian.u32(sector, 84),
            entriesCRC32: LittleEndian.u32(sector, 88))
    }

    /// The entry array's size in bytes, or why it is not plausible.
    public static func entriesArraySize(_ header: GPTHeader, limit: Int = defaultEntriesLimit) -> GPTEntriesArraySize {
        guard header.entrySize >= 128 else {
            return .absurd(reason: "entry size \(header.entrySize) is below the minimum of 128 bytes")
        }
        guard header.entrySize % 128 == 0 else {
            return .absurd(reason: "entry size \(header.entrySize) is not a multiple of 128 bytes")
        }
        let (product, overflow) = UInt64(header.entryCount).multipliedReportingOverflow(by: UInt64(header.entrySize))
        guard !overflow, product <= UInt64(limit) else {
            return .absurd(reason: "\(header.entryCount) entries × \(header.entrySize) bytes exceeds the \(limit)-byte limit")
        }
        return .bytes(Int(product))
    }

    /// The number of sectors the entry array occupies (rounded up); 0 when absurd.
    public static func entriesSectors(_ header: GPTHeader, sectorSize: Int) -> UInt64 {
        guard case .bytes(let n) = entriesArraySize(header), sectorSize > 0 else { return 0 }
        return UInt64((n + sectorSize - 1) / sectorSize)
    }

    /// The CRC-32 of an entry array.
    public static func entriesCRC(_ entries: [UInt8]) -> UInt32 { CRC32.checksum(entries) }
}
