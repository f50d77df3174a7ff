import AuditCore

/// A signature found by libblkid (filesystem, swap, RAID member, LVM PV, …).
public struct FilesystemSignature: Codable, Sendable, Equatable {
    /// blkid TYPE, e.g. "ext4", "xfs", "swap", "vfat".
    public var type: String
    public var uuid: String?
    public var label: String?
    /// blkid USAGE: "filesystem", "raid", "crypto", "other".
    public var usage: String?
    public var version: String?
    /// The size the filesystem's (or LUKS header's) own superblock field claims, with the
    /// field it comes from; nil for types without a parser or an unreadable superblock.
    public var sizeClaim: FilesystemSizeClaim?
    /// blkid UUID_SUB: the member's own identity in a multi-device set (md device UUID,
    /// btrfs device UUID, ZFS vdev GUID), where `uuid` is the identity the members share.
    public var uuidSub: String?
    /// The label's raw bytes, hex-encoded, when they are not valid UTF-8 (a FAT label in a
    /// DOS code page): `label` then holds a lossy display string with U+FFFD for bad bytes.
    public var labelHex: String?
    /// The UUID's raw bytes, hex-encoded, when they are not valid UTF-8 (DDF's GUID is
    /// 24 raw bytes); `uuid` then holds a lossy display string.
    public var uuidHex: String?
    /// The structure the filesystem keeps near its end (ext2/3/4's last backup superblock,
    /// XFS's last allocation group's superblock, NTFS's backup boot sector) and whether it is
    /// there; nil for other types, or when it would lie outside the filesystem's container.
    public var endStructure: FilesystemEndStructure?
    /// The like structures mkfs spreads through the filesystem (ext2/3/4's other backup
    /// superblocks, XFS's other allocation groups' superblocks): how many were read, and
    /// those missing; nil for other types, or when none lies inside the container.
    public var interiorStructures: FilesystemInteriorStructures?

    /// Creates the value from its fields.
    public init(type: String, uuid: String? = nil, label: String? = nil, usage: String? = nil, version: String? = nil,
                sizeClaim: FilesystemSizeClaim? = nil, uuidSub: String? = nil, labelHex: String? = nil, uuidHex: String? = nil) {
        self.sizeClaim = sizeClaim
        self.uuidSub = uuidSub
        self.labelHex = labelHex
        self.uuidHex = uuidHex
        self.type = type
        self.uuid = uuid
        self.label = label
        self.usage = usage
        self.version = version
    }
}

/// A filesystem's end structure as found on the volume (`FilesystemEndParser`).
public struct FilesystemEndStructure: Codable, Sendable, Equatable {
    /// "backup superblock of group 49 (of 64)", "superblock of allocation group 3 (of 4)", "backup boot sector".
    public var what: String
    /// Where it starts on the volume.
    public var offsetBytes: UInt64
    /// Whether the bytes there hold it (a copy that stopped before it left zeros).
    public var present: Bool
    /// When it is not there: whether every byte there is zero (never written), rather than
    /// other data; nil when it is there.
    public var zeroFilled: Bool?

    /// Creates the value from its fields.
    public init(what: String, offsetBytes: UInt64, present: Bool, zeroFilled: Bool? = nil) {
        self.what = what
        self.offsetBytes = offsetBytes
        self.present = present
        self.zeroFilled = present ? nil : zeroFilled
    }
}

/// The structures inside a filesystem besides its end one, as found on the volume.
public struct FilesystemInteriorStructures: Codable, Sendable, Equatable {
    /// How many were read (at most `FilesystemEndParser.interiorLimit`).
    public var checked: Int
    /// Those not there, in order.
    public var missing: [FilesystemEndStructure]

    /// Creates the value from its fields.
    public init(checked: Int, missing: [FilesystemEndStructure]) {
        self.checked = checked
        self.missing = missing
    }
}
