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
    /// The image container format (qcow2, vmdk, vhdx, …) whose header the volume begins
    /// with: an image file written to the volume byte for byte instead of the disk it holds
    /// (`image-container-on-volume`); nil for a volume that does not.
    public var imageContainerHeader: String?
    /// The LVM logical volumes of the PVs on the volume, each with the signature at its
    /// start (README.md, "Logical volumes"); nil when the volume holds no PV with any.
    public var logicalVolumes: [LogicalVolume]?

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

    enum CodingKeys: String, CodingKey, CaseIterable {
        case target, sizeBytes, sectorSize, partitionTable, partitions, filesystem, witnesses, regionsRead
        case unreadableRegions, findings, partitionTableSignature, deviceSectorSize, sectorSizeDetection
        case multiDeviceMembers, partitionReaders, incompleteProbes
        case dataExtent
        case roundTrips
        case imageContainerHeader
        case logicalVolumes
    }

    /// Encodes every key, absent values as `null` (the contract has `"partitionTable": null`).
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(target, forKey: .target)
        try c.encode(sizeBytes, forKey: .sizeBytes)
        try c.encode(sectorSize, forKey: .sectorSize)
        try c.encodeOrNull(partitionTable, forKey: .partitionTable)
        try c.encode(partitions, forKey: .partitions)
        try c.encodeOrNull(filesystem, forKey: .filesystem)
        try c.encode(witnesses, forKey: .witnesses)
        try c.encode(regionsRead, forKey: .regionsRead)
        try c.encode(unreadableRegions, forKey: .unreadableRegions)
        try c.encode(findings, forKey: .findings)
        try c.encodeOrNull(partitionTableSignature, forKey: .partitionTableSignature)
        try c.encodeOrNull(deviceSectorSize, forKey: .deviceSectorSize)
        try c.encodeOrNull(sectorSizeDetection, forKey: .sectorSizeDetection)
        try c.encodeIfPresent(multiDeviceMembers, forKey: .multiDeviceMembers)
        try c.encodeIfPresent(partitionReaders, forKey: .partitionReaders)
        try c.encodeIfPresent(incompleteProbes, forKey: .incompleteProbes)
        try c.encodeOrNull(dataExtent, forKey: .dataExtent)
        try c.encodeIfPresent(roundTrips, forKey: .roundTrips)
        try c.encodeIfPresent(imageContainerHeader, forKey: .imageContainerHeader)
        try c.encodeIfPresent(logicalVolumes, forKey: .logicalVolumes)
    }
}

/// A place where libblkid may have missed a signature because what its prober needs was not read.
public struct IncompleteProbe: Codable, Sendable, Equatable {
    /// "whole disk" or "partition N".
    public var place: String
    /// libblkid's prober name ("udf", "befs", "ntfs", "ddf_raid_member").
    public var prober: String
    public var reason: String
    /// What the prober needed, when it was read and every byte of it is zero (NTFS: its
    /// MFT's first records): a region of the copy never written, not a damaged structure.
    public var zeroFilled: FilesystemEndStructure?

    /// Creates the value from its fields.
    public init(place: String, prober: String, reason: String, zeroFilled: FilesystemEndStructure? = nil) {
        self.place = place
        self.prober = prober
        self.reason = reason
        self.zeroFilled = zeroFilled
    }
}
