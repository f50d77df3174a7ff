import AuditCore

/// Everything the probe learned about one volume. Its JSON form is the `inspect --format
/// json` contract (docs/CONTRACT.md); fields beyond the contract are welcome, none may vanish.
public struct ProbeResult: Codable, Sendable, Equatable {
    /// The target, redacted.
    public var target: String
    public var sizeBytes: UInt64
    /// Logical sector size used to interpret LBAs.
    public var sectorSize: Int
    /// The partition table as libfdisk read it, or nil when there is none.
    public var partitionTable: PartitionTable?
    public var partitions: [Partition]
    /// A signature on the whole disk (a filesystem without a partition table).
    public var filesystem: FilesystemSignature?
    /// Raw on-disk structures, read independently of libfdisk.
    public var witnesses: Witnesses
    /// Every region read from the volume, with its SHA-256.
    public var regionsRead: [RegionRead]
    /// Regions that could not be read; non-empty means the result is incomplete.
    public var unreadableRegions: [ByteRange]
    /// Findings that need no inventory.
    public var findings: [Finding]
    /// The partition table libblkid recognised on the whole disk (PTTYPE, PTUUID), as a
    /// second opinion next to libfdisk's.
    public var partitionTableSignature: PartitionTableSignature?
    /// The device's own logical sector size where the device says it (a block device's
    /// BLKSSZGET); nil for NBD exports and image files, whose guest sector size is unknown.
    public var deviceSectorSize: Int?
    /// How `sectorSize` was chosen: from the GPT found, `--sector-size`, the device or the default.
    public var sectorSizeDetection: SectorSizeDetection?
    /// Members of multi-device guest volumes (md, btrfs, LVM PV) found on the volume, from
    /// their own headers (issue 21); nil in results recorded before they were looked for.
    public var multiDeviceMembers: [MultiDeviceMember]?
    /// Both partition-table readers' answers (libfdisk and libblkid's own parser), and which
    /// one the partition list above was taken from; nil when neither found a table, or when
    /// both agree and the list is libfdisk's.
    public var partitionReaders: PartitionReaders?
    /// Places where a prober's magic was read but its answer is missing because the data it
    /// follows lay outside what was read (`probe-incomplete`); nil for ordinary disks.
    public var incompleteProbes: [IncompleteProbe]?
    /// Where the volume holds data (block status and sampled reads), for blank and
    /// half-written volumes; nil when it was not measured.
    public var dataExtent: DataExtent?
    /// Dependent round trips the probe made to the volume: each round of requests sent
    /// together counts once (docs/PROBE.md, "Round trips"); nil in results recorded before
    /// they were counted.
    public var roundTrips: Int?

    /// Creates the value from its fields.
    public init(target: String, sizeBytes: UInt64, sectorSize: Int, partitionTable: PartitionTable? = nil,
                partitions: [Partition] = [], filesystem: FilesystemSignature? = nil,
                witnesses: Witnesses = Witnesses(), regionsRead: [RegionRead] = [],
                unreadableRegions: [ByteRange] = [], findings: [Finding] = [],
                partitionTableSignature: PartitionTableSignature? = nil) {
        self.partitionTableSignature = partitionTableSignature
        self.target = target
        self.sizeBytes = sizeBytes
        self.sectorSize = sectorSize
        self.partitionTable = partitionTable
        self.partitions = partitions
        self.filesystem = filesystem
        self.witnesses = witnesses
        self.regionsRead = regionsRead
        self.unreadableRegions = unreadableRegions
        self.findings = findings
    }

    /// Whether every region the probers needed was read.
    public var isComplete: Bool { unreadableRegions.isEmpty }

    private enum CodingKeys: String, CodingKey {
        case target, sizeBytes, sectorSize, partitionTable, partitions, filesystem, witnesses, regionsRead
        case unreadableRegions, findings, partitionTableSignature, deviceSectorSize, sectorSizeDetection
        case multiDeviceMembers, partitionReaders, incompleteProbes
        case dataExtent
        case roundTrips
    }

    /// Encodes every key, absent values as `null` (the contract has `"partitionTable": null`).
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(target, forKey: .target)
        try c.encode(sizeBytes, forKey: .sizeBytes)
        try c.encode(sectorSize, forKey: .sectorSize)
        try c.encode(partitionTable, forKey: .partitionTable)
        try c.encode(partitions, forKey: .partitions)
        try c.encode(filesystem, forKey: .filesystem)
        try c.encode(witnesses, forKey: .witnesses)
        try c.encode(regionsRead, forKey: .regionsRead)
        try c.encode(unreadableRegions, forKey: .unreadableRegions)
        try c.encode(findings, forKey: .findings)
        try c.encode(partitionTableSignature, forKey: .partitionTableSignature)
        try c.encode(deviceSectorSize, forKey: .deviceSectorSize)
        try c.encode(sectorSizeDetection, forKey: .sectorSizeDetection)
        try c.encodeIfPresent(multiDeviceMembers, forKey: .multiDeviceMembers)
        try c.encodeIfPresent(partitionReaders, forKey: .partitionReaders)
        try c.encodeIfPresent(incompleteProbes, forKey: .incompleteProbes)
        try c.encode(dataExtent, forKey: .dataExtent)
        try c.encodeIfPresent(roundTrips, forKey: .roundTrips)
    }
}

/// A place where libblkid may have missed a signature because what its prober needs was not read.
public struct IncompleteProbe: Codable, Sendable, Equatable {
    /// "whole disk" or "partition N".
    public var place: String
    /// libblkid's prober name ("udf", "befs", "ntfs", "ddf_raid_member").
    public var prober: String
    public var reason: String

    /// Creates the value from its fields.
    public init(place: String, prober: String, reason: String) {
        self.place = place
        self.prober = prober
        self.reason = reason
    }
}

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

    private enum CodingKeys: String, CodingKey { case libfdisk, libblkid, used, rejected, disagree }

    /// Encodes every key, absent readings as `null`.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(libfdisk, forKey: .libfdisk)
        try c.encode(libblkid, forKey: .libblkid)
        try c.encode(used, forKey: .used)
        try c.encode(rejected, forKey: .rejected)
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

    private enum CodingKeys: String, CodingKey {
        case type, diskId, gpt, impliedDiskBytes, impliedMinimumDiskBytes, impliedSizeCheck, warnings, decodedBy
        case headerSource, fieldSources, libfdiskReading
    }

    /// Encodes every key, absent values as `null`.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(type, forKey: .type)
        try c.encode(diskId, forKey: .diskId)
        try c.encode(gpt, forKey: .gpt)
        try c.encode(impliedDiskBytes, forKey: .impliedDiskBytes)
        try c.encode(impliedMinimumDiskBytes, forKey: .impliedMinimumDiskBytes)
        try c.encode(impliedSizeCheck, forKey: .impliedSizeCheck)
        try c.encode(warnings, forKey: .warnings)
        try c.encode(decodedBy, forKey: .decodedBy)
        try c.encode(headerSource, forKey: .headerSource)
        try c.encode(fieldSources, forKey: .fieldSources)
        try c.encode(libfdiskReading, forKey: .libfdiskReading)
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

    private enum CodingKeys: String, CodingKey { case headerSource, diskId, partitions }

    /// Encodes every key, absent values as `null`.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(headerSource, forKey: .headerSource)
        try c.encode(diskId, forKey: .diskId)
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

    private enum CodingKeys: String, CodingKey {
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
        try c.encode(typeName, forKey: .typeName)
        try c.encode(uuid, forKey: .uuid)
        try c.encode(name, forKey: .name)
        try c.encode(kind, forKey: .kind)
        try c.encode(bootable, forKey: .bootable)
        try c.encode(filesystem, forKey: .filesystem)
        try c.encodeIfPresent(parent, forKey: .parent)
    }
}

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

/// Raw structures read directly from the volume, not through libfdisk.
public struct Witnesses: Codable, Sendable, Equatable {
    public var mbr: MBRWitness?
    /// The GPT header at LBA 1.
    public var primaryGPT: GPTHeaderWitness?
    /// The header at the LBA the primary's AlternateLBA names (when inside the device); without
    /// a primary, at the LBA where the protective MBR says the disk ends.
    public var backupGPT: GPTHeaderWitness?
    /// Whatever GPT header sits at the device's true last LBA.
    public var endGPT: GPTHeaderWitness?
    /// LBAs of the DOS extended partition's EBRs, in chain order.
    public var extendedBootRecordLBAs: [UInt64]
    /// How the EBR chain ended: "end" when well formed, else "loop at LBA …", "link outside
    /// the extended partition to LBA …", "no valid EBR at LBA …", "link limit reached";
    /// nil without an extended partition.
    public var extendedChainEnding: String?

    /// Creates the value from its fields.
    public init(mbr: MBRWitness? = nil, primaryGPT: GPTHeaderWitness? = nil,
                backupGPT: GPTHeaderWitness? = nil, endGPT: GPTHeaderWitness? = nil,
                extendedBootRecordLBAs: [UInt64] = [], extendedChainEnding: String? = nil) {
        self.extendedBootRecordLBAs = extendedBootRecordLBAs
        self.extendedChainEnding = extendedChainEnding
        self.mbr = mbr
        self.primaryGPT = primaryGPT
        self.backupGPT = backupGPT
        self.endGPT = endGPT
    }

    private enum CodingKeys: String, CodingKey { case mbr, primaryGPT, backupGPT, endGPT, extendedBootRecordLBAs, extendedChainEnding }

    /// Encodes every key, absent witnesses as `null`.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(mbr, forKey: .mbr)
        try c.encode(primaryGPT, forKey: .primaryGPT)
        try c.encode(backupGPT, forKey: .backupGPT)
        try c.encode(endGPT, forKey: .endGPT)
        try c.encode(extendedBootRecordLBAs, forKey: .extendedBootRecordLBAs)
        try c.encode(extendedChainEnding, forKey: .extendedChainEnding)
    }
}

/// The MBR in LBA 0 (protective or legacy).
public struct MBRWitness: Codable, Sendable, Equatable {
    /// 0x55AA at offset 510.
    public var bootSignatureValid: Bool
    /// The 32-bit disk signature at offset 440, as "0x1234abcd".
    public var diskSignature: String
    public var entries: [MBREntry]
    /// The size field (in sectors) of the 0xEE protective entry, when there is one.
    public var protectiveSizeLBA: UInt64?

    /// Creates the value from its fields.
    public init(bootSignatureValid: Bool, diskSignature: String, entries: [MBREntry], protectiveSizeLBA: UInt64? = nil) {
        self.bootSignatureValid = bootSignatureValid
        self.diskSignature = diskSignature
        self.entries = entries
        self.protectiveSizeLBA = protectiveSizeLBA
    }
}

/// One of the four MBR partition entries (empty entries are omitted).
public struct MBREntry: Codable, Sendable, Equatable {
    /// 1…4.
    public var index: Int
    public var bootable: Bool
    /// Type byte as "0x83".
    public var type: String
    public var startLBA: UInt64
    public var sectors: UInt64

    /// Creates the value from its fields.
    public init(index: Int, bootable: Bool, type: String, startLBA: UInt64, sectors: UInt64) {
        self.index = index
        self.bootable = bootable
        self.type = type
        self.startLBA = startLBA
        self.sectors = sectors
    }
}

/// A GPT header as found at one LBA, with its CRC checks.
public struct GPTHeaderWitness: Codable, Sendable, Equatable {
    /// Where it was read.
    public var lba: UInt64
    /// "EFI PART" present.
    public var signatureValid: Bool
    public var headerCRCValid: Bool
    /// CRC of the entry array the header names; nil when the array could not be read.
    public var entriesCRCValid: Bool?
    public var revision: String
    public var headerSize: UInt32
    public var diskGUID: String
    public var myLBA: UInt64
    public var alternateLBA: UInt64
    public var firstUsableLBA: UInt64
    public var lastUsableLBA: UInt64
    public var entriesLBA: UInt64
    public var entryCount: UInt32
    public var entrySize: UInt32
    /// SHA-256 of the header sector, so a finding can cite it.
    public var sha256: String
    /// The header CRC stored on disk and the one computed (nil when the header size is implausible).
    public var storedHeaderCRC32: UInt32?
    public var computedHeaderCRC32: UInt32?
    /// The entry array CRC stored in the header and the one computed over the array read.
    public var storedEntriesCRC32: UInt32?
    public var computedEntriesCRC32: UInt32?
    /// SHA-256 of the entry array read, when it was read.
    public var entriesSHA256: String?
    /// Why the entry array was not read (absurd size, outside the device, unreadable).
    public var entriesProblem: String?

    /// Creates the value from its fields.
    public init(lba: UInt64, signatureValid: Bool, headerCRCValid: Bool, entriesCRCValid: Bool?, revision: String,
                headerSize: UInt32, diskGUID: String, myLBA: UInt64, alternateLBA: UInt64, firstUsableLBA: UInt64,
                lastUsableLBA: UInt64, entriesLBA: UInt64, entryCount: UInt32, entrySize: UInt32, sha256: String,
                storedHeaderCRC32: UInt32? = nil, computedHeaderCRC32: UInt32? = nil,
                storedEntriesCRC32: UInt32? = nil, computedEntriesCRC32: UInt32? = nil,
                entriesSHA256: String? = nil, entriesProblem: String? = nil) {
        self.storedHeaderCRC32 = storedHeaderCRC32
        self.computedHeaderCRC32 = computedHeaderCRC32
        self.storedEntriesCRC32 = storedEntriesCRC32
        self.computedEntriesCRC32 = computedEntriesCRC32
        self.entriesSHA256 = entriesSHA256
        self.entriesProblem = entriesProblem
        self.lba = lba
        self.signatureValid = signatureValid
        self.headerCRCValid = headerCRCValid
        self.entriesCRCValid = entriesCRCValid
        self.revision = revision
        self.headerSize = headerSize
        self.diskGUID = diskGUID
        self.myLBA = myLBA
        self.alternateLBA = alternateLBA
        self.firstUsableLBA = firstUsableLBA
        self.lastUsableLBA = lastUsableLBA
        self.entriesLBA = entriesLBA
        self.entryCount = entryCount
        self.entrySize = entrySize
        self.sha256 = sha256
    }
}

/// A region read from the volume, cited as evidence.
public struct RegionRead: Codable, Sendable, Equatable {
    public var offset: UInt64
    public var length: UInt64
    /// SHA-256 of the bytes, lower-case hex.
    public var sha256: String
    /// Why it was read: "mbr", "gpt-primary-header", "gpt-entries", "tail", "partition 1 head", …
    public var purpose: String

    /// Creates the value from its fields.
    public init(offset: UInt64, length: UInt64, sha256: String, purpose: String) {
        self.offset = offset
        self.length = length
        self.sha256 = sha256
        self.purpose = purpose
    }
}

/// A byte range, e.g. an unreadable region.
public struct ByteRange: Codable, Sendable, Equatable {
    public var offset: UInt64
    public var length: UInt64
    /// The error that made it unreadable, when there was one.
    public var error: String?

    /// Creates the value from its fields.
    public init(offset: UInt64, length: UInt64, error: String? = nil) {
        self.offset = offset
        self.length = length
        self.error = error
    }
}
