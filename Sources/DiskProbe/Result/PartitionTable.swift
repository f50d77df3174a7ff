import AuditCore

/// The partition table's own items.
public struct PartitionTable: Codable, Sendable, Equatable {
    /// libfdisk's label name: "gpt", "dos", "sun", "sgi", "bsd".
    public var type: String
    /// GPT disk GUID (upper-case, dashed) or DOS disk identifier ("0x1234abcd").
    public var diskId: String?
    /// GPT header items; nil for other label types.
    public var gpt: GPTLabel?
    /// The size of the disk the label was written for: GPT `(alternateLBA + 1) × sectorSize`.
    /// For DOS labels nil (only a lower bound exists, see `impliedMinimumDiskBytes`).
    public var impliedDiskBytes: UInt64?
    /// A lower bound from the end of the last partition (all label types).
    public var impliedMinimumDiskBytes: UInt64?
    /// GPT: the implied size as each witness gives it, and whether they agree.
    public var impliedSizeCheck: ImpliedSizeCheck?
    /// Warnings libfdisk gave while reading the label, e.g. "The backup GPT table is not
    /// on the end of the device."
    public var warnings: [String]
    /// Who decoded the partitions: "libfdisk"; "libblkid" for tables libfdisk has no driver
    /// for (Atari) or reads by other conventions (Sun, SGI, BSD: libblkid's list is used);
    /// "libfdisk+libblkid" when libblkid added slices nested in a DOS partition; or
    /// "raw-gpt-entries" when libfdisk refused a GPT whose primary header is intact (it does
    /// when the label outsizes the device). `ProbeResult.partitionReaders` has both readings.
    public var decodedBy: String
    /// The on-disk structure the label was taken from (`HeaderSource`): "primary",
    /// "backup-at-claimed-location", "header-at-device-end" for GPT, "mbr" for DOS.
    public var headerSource: String?
    /// For each field of this table (diskId, partitions, gpt, impliedDiskBytes, …), the
    /// structure it was read from.
    public var fieldSources: [String: String]?
    /// What libfdisk read when it took another header than `headerSource` (its disk GUID
    /// and partitions, and which witness holds that GUID); nil when it agrees.
    public var libfdiskReading: LabelReading?

    /// Creates the value from its fields.
    public init(type: String, diskId: String? = nil, gpt: GPTLabel? = nil,
                impliedDiskBytes: UInt64? = nil, impliedMinimumDiskBytes: UInt64? = nil,
                impliedSizeCheck: ImpliedSizeCheck? = nil, warnings: [String] = [], decodedBy: String = "libfdisk") {
        self.decodedBy = decodedBy
        self.impliedSizeCheck = impliedSizeCheck
        self.warnings = warnings
        self.type = type
        self.diskId = diskId
        self.gpt = gpt
        self.impliedDiskBytes = impliedDiskBytes
        self.impliedMinimumDiskBytes = impliedMinimumDiskBytes
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case type, diskId, gpt, impliedDiskBytes, impliedMinimumDiskBytes, impliedSizeCheck, warnings, decodedBy
        case headerSource, fieldSources, libfdiskReading
    }

    /// Encodes every key, absent values as `null`.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(type, forKey: .type)
        try c.encodeOrNull(diskId, forKey: .diskId)
        try c.encodeOrNull(gpt, forKey: .gpt)
        try c.encodeOrNull(impliedDiskBytes, forKey: .impliedDiskBytes)
        try c.encodeOrNull(impliedMinimumDiskBytes, forKey: .impliedMinimumDiskBytes)
        try c.encodeOrNull(impliedSizeCheck, forKey: .impliedSizeCheck)
        try c.encode(warnings, forKey: .warnings)
        try c.encode(decodedBy, forKey: .decodedBy)
        try c.encodeOrNull(headerSource, forKey: .headerSource)
        try c.encodeOrNull(fieldSources, forKey: .fieldSources)
        try c.encodeOrNull(libfdiskReading, forKey: .libfdiskReading)
    }
}

/// The names of the structures a value can come from (README.md, "Which header the
/// evidence comes from").
public enum HeaderSource {
    /// The GPT header at LBA 1.
    public static let primary = "primary"
    /// The GPT header at the LBA the primary's AlternateLBA names (without a primary: where
    /// the protective MBR says the disk ends).
    public static let backupAtClaimedLocation = "backup-at-claimed-location"
    /// The GPT header at the device's last LBA, when that is not where the primary points.
    public static let headerAtDeviceEnd = "header-at-device-end"
    /// The MBR in LBA 0 (DOS labels).
    public static let mbr = "mbr"
}

/// A partition table as one reader saw it, kept when it differs from the label reported.
public struct LabelReading: Codable, Sendable, Equatable {
    /// The witness whose disk GUID it carries (`HeaderSource`), nil when none does.
    public var headerSource: String?
    public var diskId: String?
    public var partitions: [PartitionEntrySignature]

    /// Creates the value from its fields.
    public init(headerSource: String?, diskId: String?, partitions: [PartitionEntrySignature]) {
        self.headerSource = headerSource
        self.diskId = diskId
        self.partitions = partitions
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case headerSource, diskId, partitions }

    /// Encodes every key, absent values as `null`.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeOrNull(headerSource, forKey: .headerSource)
        try c.encodeOrNull(diskId, forKey: .diskId)
        try c.encode(partitions, forKey: .partitions)
    }
}

/// The disk size a GPT label was written for, as three independent witnesses give it.
public struct ImpliedSizeCheck: Codable, Sendable, Equatable {
    /// `(alternateLBA + 1) × sectorSize` from the primary header.
    public var fromAlternateLBA: UInt64
    /// `(lastUsableLBA + entry-array sectors + 2) × sectorSize`: where the backup must end.
    public var fromLastUsableLBA: UInt64?
    /// `(0xEE entry's size + 1) × sectorSize` from the protective MBR; nil when there is
    /// none or it is saturated at 0xFFFFFFFF.
    public var fromProtectiveMBR: UInt64?
    /// Whether every available witness agrees with `fromAlternateLBA`.
    public var consistent: Bool

    /// Creates the value from its fields.
    public init(fromAlternateLBA: UInt64, fromLastUsableLBA: UInt64?, fromProtectiveMBR: UInt64?, consistent: Bool) {
        self.fromAlternateLBA = fromAlternateLBA
        self.fromLastUsableLBA = fromLastUsableLBA
        self.fromProtectiveMBR = fromProtectiveMBR
        self.consistent = consistent
    }
}

/// GPT label items, as libfdisk and the primary header give them.
public struct GPTLabel: Codable, Sendable, Equatable {
    public var currentLBA: UInt64
    public var alternateLBA: UInt64
    public var firstUsableLBA: UInt64
    public var lastUsableLBA: UInt64
    public var entriesLBA: UInt64
    public var entryCount: UInt32
    public var entrySize: UInt32
    /// Which on-disk header these items come from (`HeaderSource`): "primary", or when the
    /// primary is unusable "backup-at-claimed-location" or "header-at-device-end".
    public var source: String
    /// libfdisk's own label items (FIRSTLBA, LASTLBA, ALTLBA, ENTRIESLBA, ENTRIESALLOC,
    /// ENTRIESLASTLBA), as a second reading next to the raw header fields above; empty when
    /// libfdisk rejected the GPT and the label was decoded from the raw entry array.
    public var libfdiskItems: [String: UInt64]

    /// Creates the value from its fields.
    public init(currentLBA: UInt64, alternateLBA: UInt64, firstUsableLBA: UInt64, lastUsableLBA: UInt64,
                entriesLBA: UInt64, entryCount: UInt32, entrySize: UInt32, source: String = "primary",
                libfdiskItems: [String: UInt64] = [:]) {
        self.source = source
        self.libfdiskItems = libfdiskItems
        self.currentLBA = currentLBA
        self.alternateLBA = alternateLBA
        self.firstUsableLBA = firstUsableLBA
        self.lastUsableLBA = lastUsableLBA
        self.entriesLBA = entriesLBA
        self.entryCount = entryCount
        self.entrySize = entrySize
    }
}

/// One partition.
public struct Partition: Codable, Sendable, Equatable {
    /// Partition number as `fdisk -l` shows it (1-based; DOS logical partitions start at 5).
    public var number: Int
    public var startBytes: UInt64
    public var sizeBytes: UInt64
    public var startLBA: UInt64
    /// Inclusive last LBA.
    public var endLBA: UInt64
    /// GPT type GUID, or DOS type as "0x83".
    public var type: String
    /// Human name of the type ("Linux filesystem"), when libfdisk knows it.
    public var typeName: String?
    /// GPT partition GUID (PARTUUID); for DOS, blkid's "xxxxxxxx-NN".
    public var uuid: String?
    /// GPT partition name.
    public var name: String?
    /// DOS: "primary", "extended" or "logical"; "nested" for a slice of a table nested in
    /// another partition (a BSD label inside a DOS partition); nil for GPT.
    public var kind: String?
    public var bootable: Bool
    /// The signature libblkid found inside the partition.
    public var filesystem: FilesystemSignature?
    /// For a nested slice: the number of the partition holding its table.
    public var parent: Int?

    /// Creates the value from its fields.
    public init(number: Int, startBytes: UInt64, sizeBytes: UInt64, startLBA: UInt64, endLBA: UInt64,
                type: String, typeName: String? = nil, uuid: String? = nil, name: String? = nil,
                kind: String? = nil, bootable: Bool = false, filesystem: FilesystemSignature? = nil, parent: Int? = nil) {
        self.parent = parent
        self.number = number
        self.startBytes = startBytes
        self.sizeBytes = sizeBytes
        self.startLBA = startLBA
        self.endLBA = endLBA
        self.type = type
        self.typeName = typeName
        self.uuid = uuid
        self.name = name
        self.kind = kind
        self.bootable = bootable
        self.filesystem = filesystem
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case number, startBytes, sizeBytes, startLBA, endLBA, type, typeName, uuid, name, kind, bootable, filesystem, parent
    }

    /// Encodes every key, absent values as `null` (`"filesystem": null`).
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(number, forKey: .number)
        try c.encode(startBytes, forKey: .startBytes)
        try c.encode(sizeBytes, forKey: .sizeBytes)
        try c.encode(startLBA, forKey: .startLBA)
        try c.encode(endLBA, forKey: .endLBA)
        try c.encode(type, forKey: .type)
        try c.encodeOrNull(typeName, forKey: .typeName)
        try c.encodeOrNull(uuid, forKey: .uuid)
        try c.encodeOrNull(name, forKey: .name)
        try c.encodeOrNull(kind, forKey: .kind)
        try c.encode(bootable, forKey: .bootable)
        try c.encodeOrNull(filesystem, forKey: .filesystem)
        try c.encodeIfPresent(parent, forKey: .parent)
    }
}
