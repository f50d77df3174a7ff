import AuditCore
import Canary
import DiskProbe
import SourceInventory

/// Everything `Verifier.verify` needs: the inventory, what reading each disk's volume
/// gave, and the references (source probes or a baseline) when there are any.
public struct VerificationInput: Sendable {
    public var inventory: Inventory
    /// Findings about the VM as a whole, e.g. the mapping rule's.
    public var vmFindings: [Finding]
    /// Disk key → its destination volume. Disks without an entry were not mapped.
    public var volumes: [String: VolumeObservation]
    /// Disk key → the source's probe (live or from a baseline).
    public var references: [String: ProbeResult]
    public var referenceKind: ReferenceKind
    /// Disk key → why its source could not be read, when it could not.
    public var referenceFailures: [String: String]
    /// The content comparison's mode and seed.
    public var content: ContentSummary
    /// Disk key → the content comparison's findings (`content-mismatch`, …).
    public var contentFindings: [String: [Finding]]
    /// Disk key → source keys whose sampled content its volume holds.
    public var contentMatches: [String: Set<String>]
    /// Disk key → regions of its volume byte-identical to another disk's source (issue 10).
    public var contentRegions: [String: [ContentRegionMatch]] = [:]
    /// What `verify --canary` found on every volume (issue 14); nil without --canary.
    public var canary: CanaryReport?

    /// An input; only the inventory and the volumes are needed, the rest defaults to "none given".
    public init(inventory: Inventory, vmFindings: [Finding] = [], volumes: [String: VolumeObservation],
                references: [String: ProbeResult] = [:], referenceKind: ReferenceKind = .none,
                referenceFailures: [String: String] = [:], content: ContentSummary = ContentSummary(mode: "none"),
                contentFindings: [String: [Finding]] = [:], contentMatches: [String: Set<String>] = [:]) {
        self.inventory = inventory
        self.vmFindings = vmFindings
        self.volumes = volumes
        self.references = references
        self.referenceKind = referenceKind
        self.referenceFailures = referenceFailures
        self.content = content
        self.contentFindings = contentFindings
        self.contentMatches = contentMatches
    }
}
