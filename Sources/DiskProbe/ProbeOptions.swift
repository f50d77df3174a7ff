/// How much of a volume the probe reads. The defaults cover the signatures libfdisk and
/// libblkid look for: labels and superblocks near a start (ZFS's second label ends at
/// 512 KiB), RAID metadata and ZFS labels near an end (ZFS's last two labels fill the last 512 KiB;
/// md 0.90/1.0 sit within the last 128 KiB).
public struct ProbeOptions: Sendable, Equatable {
    /// Bytes read at the start of the disk.
    public var diskHeadBytes: Int
    /// Bytes read at the end of the disk.
    public var diskTailBytes: Int
    /// Bytes read at the start of each partition.
    public var partitionHeadBytes: Int
    /// Bytes read at the end of each partition.
    public var partitionTailBytes: Int
    /// The largest GPT entry array read; larger claims are recorded as absurd.
    public var maxEntriesArrayBytes: Int
    /// The most EBRs followed in a DOS extended partition.
    public var maxLogicalPartitions: Int
    /// Whether libblkid probes inside each partition.
    public var probePartitionSignatures: Bool
    /// Whether to measure where the volume holds data (`DataExtent`: block status and
    /// about a thousand small reads at most).
    public var measureDataExtent: Bool = true

    /// Creates the value from its fields.
    public init(diskHeadBytes: Int = 1 << 20, diskTailBytes: Int = 512 << 10, partitionHeadBytes: Int = 512 << 10,
                partitionTailBytes: Int = 128 << 10, maxEntriesArrayBytes: Int = GPTHeaderParser.defaultEntriesLimit,
                maxLogicalPartitions: Int = 128, probePartitionSignatures: Bool = true) {
        self.diskHeadBytes = diskHeadBytes
        self.diskTailBytes = diskTailBytes
        self.partitionHeadBytes = partitionHeadBytes
        self.partitionTailBytes = partitionTailBytes
        self.maxEntriesArrayBytes = maxEntriesArrayBytes
        self.maxLogicalPartitions = maxLogicalPartitions
        self.probePartitionSignatures = probePartitionSignatures
    }
}
