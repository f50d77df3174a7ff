import AuditCore

/// What each partition-table reader said about the whole disk, and which answer was used.
/// libfdisk accepts any sector ending in 0x55AA as a DOS label — FAT, exFAT, NTFS, HPFS and
/// BitLocker boot sectors included — while libblkid (like the kernel) does not; libfdisk has
/// no Atari driver and does not list BSD slices nested in a DOS partition; each numbers BSD
/// slices its own way (docs/PROBE.md, "Partition tables: two readers").
public struct PartitionReaders: Codable, Sendable, Equatable {
    /// libfdisk's reading; nil when it recognised no label.
    public var libfdisk: PartitionReading?
    /// libblkid's reading (`blkid_probe_get_partitions`); nil when it recognised no table.
    public var libblkid: PartitionReading?
    /// Where `partitions` came from: "libfdisk", "libblkid", "libfdisk+libblkid" (libfdisk's
    /// list plus the nested tables only libblkid reads), "raw-gpt-entries", or "none".
    public var used: String
    /// Why a reader's table was not used (e.g. "LBA 0 is a vfat boot sector, not a partition
    /// table"); nil when nothing was rejected.
    public var rejected: String?
    /// Whether the two readings differ in table type or in partition ranges (after each
    /// reader's conventions: whole-disk entries of Sun and BSD labels are not partitions).
    public var disagree: Bool

    /// Creates the value from its fields.
    public init(libfdisk: PartitionReading?, libblkid: PartitionReading?, used: String, rejected: String? = nil, disagree: Bool) {
        self.libfdisk = libfdisk
        self.libblkid = libblkid
        self.used = used
        self.rejected = rejected
        self.disagree = disagree
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case libfdisk, libblkid, used, rejected, disagree }

    /// Encodes every key, absent readings as `null`.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeOrNull(libfdisk, forKey: .libfdisk)
        try c.encodeOrNull(libblkid, forKey: .libblkid)
        try c.encode(used, forKey: .used)
        try c.encodeOrNull(rejected, forKey: .rejected)
        try c.encode(disagree, forKey: .disagree)
    }
}

/// One reader's partition table: its type, identifier and partitions.
public struct PartitionReading: Codable, Sendable, Equatable {
    /// "dos", "gpt", "sun", "bsd", "atari", …
    public var type: String
    public var id: String?
    public var partitions: [PartitionEntrySignature]

    /// Creates the value from its fields.
    public init(type: String, id: String? = nil, partitions: [PartitionEntrySignature]) {
        self.type = type
        self.id = id
        self.partitions = partitions
    }
}

/// The partition table signature libblkid found on the whole disk.
public struct PartitionTableSignature: Codable, Sendable, Equatable {
    /// blkid PTTYPE: "gpt", "dos", "PMBR", …
    public var type: String
    /// blkid PTUUID: the GPT disk GUID (lower-case) or the DOS disk identifier.
    public var uuid: String?
    /// The partitions libblkid's own parser lists (PART_ENTRY_*), to compare with libfdisk's.
    public var partitions: [PartitionEntrySignature]
    /// The header libblkid's reading matches by disk GUID (`HeaderSource`; "mbr" for DOS), nil
    /// when none does: like libfdisk, libblkid falls back to the header at the device end.
    public var headerSource: String?

    /// Creates the value from its fields.
    public init(type: String, uuid: String? = nil, partitions: [PartitionEntrySignature] = []) {
        self.type = type
        self.uuid = uuid
        self.partitions = partitions
    }
}

/// One partition as libblkid lists it (its PART_ENTRY_NUMBER, _OFFSET, _SIZE, _TYPE, _UUID, _NAME).
public struct PartitionEntrySignature: Codable, Sendable, Equatable {
    public var number: Int
    public var startBytes: UInt64
    public var sizeBytes: UInt64
    /// GPT type GUID (lower-case) or DOS type as "0x83".
    public var type: String
    public var uuid: String?
    public var name: String?
    /// The table the entry belongs to when it is nested in another table's partition
    /// ("freebsd", "solaris", …: libblkid's name), else nil.
    public var nestedTable: String?
    /// The number of the partition a nested table lies in.
    public var parent: Int?

    /// Creates the value from its fields.
    public init(number: Int, startBytes: UInt64, sizeBytes: UInt64, type: String, uuid: String? = nil, name: String? = nil,
                nestedTable: String? = nil, parent: Int? = nil) {
        self.nestedTable = nestedTable
        self.parent = parent
        self.number = number
        self.startBytes = startBytes
        self.sizeBytes = sizeBytes
        self.type = type
        self.uuid = uuid
        self.name = name
    }
}
