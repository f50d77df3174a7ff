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
    /// The other disks of the VM whose volumes were read, keyed by disk key.
    public var peers: [Peer]
    /// The contamination entries the analysis found, for every disk.
    public var contamination: [Contamination]

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

        /// Another disk's read volume.
        public init(disk: SourceDisk, probe: ProbeResult, targetIdentity: String?) {
            self.disk = disk
            self.probe = probe
            self.targetIdentity = targetIdentity
        }
    }

    /// This disk's target identity (set by the verifier).
    public var targetIdentity: String?

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

/// A check of one disk's volume. Each rule lives in its own file with its own messages.
public protocol DiskRule {
    /// The family the rule's findings belong to (one JUnit testcase per disk and family).
    static var family: RuleFamily { get }
    /// Why the rule cannot run for this disk, or nil when it can.
    static func skipReason(in context: DiskContext) -> String?
    /// The rule's findings for the disk in `context`; empty when all is well.
    static func findings(in context: DiskContext) -> [Finding]
}

extension DiskRule {
    /// Rules run whenever the volume was read, unless they say otherwise.
    public static func skipReason(in context: DiskContext) -> String? { nil }
}
