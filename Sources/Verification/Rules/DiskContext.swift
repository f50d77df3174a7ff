import AuditCore
import DiskProbe
import SourceInventory

/// Everything a rule may look at for one disk: the inventory disk, its volume's probe,
/// the reference (source probe or baseline) when there is one, and the other disks.
public struct DiskContext: Sendable {
    public var inventory: Inventory
    public var disk: SourceDisk
    /// The destination volume's probe.
    public var probe: ProbeResult
    /// The source's probe (live or from a baseline), when there is one.
    public var reference: ProbeResult?
    /// The VM's disks whose volumes were read (this one included), for cross-volume rules.
    public var peers: [Peer]
    /// This disk's normalized target identity (`Target.identity`), set by the verifier.
    public var targetIdentity: String?
    /// The contamination entries the analysis found, for every disk.
    public var contamination: [Contamination]
    /// This disk's own GPT extended to the volume's end (sgdisk -e, growpart), when it is one;
    /// set by the verifier (issue 10).
    public var labelExtension: LabelExtension?
    /// Why the disk's source or baseline entry could not be used, when it could not.
    public var referenceFailure: String?
    /// Whether the volume's content is compared with its source (`--content sample|full`).
    public var contentCompared = false

    /// A context for `disk`, whose volume gave `probe`; the verifier fills in peers and contamination.
    public init(inventory: Inventory, disk: SourceDisk, probe: ProbeResult, reference: ProbeResult? = nil,
                peers: [Peer] = [], contamination: [Contamination] = []) {
        self.inventory = inventory
        self.disk = disk
        self.probe = probe
        self.reference = reference
        self.peers = peers
        self.contamination = contamination
    }

    /// Another disk's volume, as the duplicate-identity rule compares it.
    public struct Peer: Sendable {
        public var disk: SourceDisk
        public var probe: ProbeResult
        /// The normalized target identity; equal identities are one export.
        public var targetIdentity: String?
        /// That disk's source probe (live or baseline), when there is one: identities the
        /// sources share themselves (cloned disks) are not duplicates of the copy.
        public var reference: ProbeResult?

        /// Another disk's read volume.
        public init(disk: SourceDisk, probe: ProbeResult, targetIdentity: String?, reference: ProbeResult? = nil) {
            self.reference = reference
            self.disk = disk
            self.probe = probe
            self.targetIdentity = targetIdentity
        }
    }

    /// "disk 2001 (Hard disk 2, 10 GiB)".
    public static func describe(_ disk: SourceDisk) -> String {
        let label = disk.label.map { "\($0), " } ?? ""
        return "disk \(disk.key) (\(label)\(ByteSize.human(disk.capacityBytes)))"
    }

    /// The inventory's other disks whose capacity is exactly `bytes`.
    public func otherDisks(withCapacity bytes: UInt64) -> [SourceDisk] {
        inventory.disks.filter { $0.key != disk.key && $0.capacityBytes == bytes }
    }
}
