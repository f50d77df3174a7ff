import AuditCore
import BlockAccess
import DiskProbe
import SourceInventory

/// The verdict of `preflight` (README.md, "Before the copy: preflight").
public enum PreflightVerdict: String, Codable, Sendable {
    /// Nothing stands in the way of the copy.
    case ready
    /// Replicating as mapped would corrupt or lose data (a finding of severity error or critical).
    case blocked
    /// A target could not be opened or read, and nothing blocks.
    case inconclusive

    /// 0 ready, 1 blocked, 3 could not check.
    public var exitCode: Int32 {
        switch self {
        case .ready: 0
        case .blocked: 1
        case .inconclusive: 3
        }
    }
}

/// What a target holds before the copy.
public enum PreflightState: String, Codable, Sendable {
    /// Its first and last MiB are all zero.
    case blank
    /// Something is there: a partition table, a signature, or other data.
    case labelled
    /// It was not opened (mapping problem, volume not found) or could not be read.
    case unreadable
}

/// The first or last MiB of a target as preflight read it.
public struct PreflightWindow: Codable, Sendable, Equatable {
    public var offset: UInt64
    public var length: UInt64
    /// SHA-256 of the bytes, lower-case hex.
    public var sha256: String
    public var allZero: Bool

    public init(offset: UInt64, length: UInt64, sha256: String, allZero: Bool) {
        self.offset = offset
        self.length = length
        self.sha256 = sha256
        self.allZero = allZero
    }
}

/// What a non-blank target already carries.
public struct CarriedLabel: Codable, Sendable, Equatable {
    /// Partition table type ("gpt", "dos", …), nil when there is none.
    public var type: String?
    /// Disk GUID or MBR signature.
    public var diskId: String?
    /// The disk size the label was written for, when it says.
    public var impliedDiskBytes: UInt64?
    /// Inventory disks whose capacity is exactly `impliedDiskBytes`.
    public var matchesDisks: [String]
    /// A filesystem or other signature on the whole disk (libblkid's TYPE).
    public var signature: String?
    public var partitionCount: Int
    /// One sentence: "a GPT written for a 10 GiB disk (…)".
    public var description: String

    public init(type: String?, diskId: String?, impliedDiskBytes: UInt64?, matchesDisks: [String], signature: String?,
                partitionCount: Int, description: String) {
        self.type = type
        self.diskId = diskId
        self.impliedDiskBytes = impliedDiskBytes
        self.matchesDisks = matchesDisks
        self.signature = signature
        self.partitionCount = partitionCount
        self.description = description
    }
}

/// One disk in `preflight.json`.
public struct PreflightDisk: Codable, Sendable, Equatable {
    public var key: String
    public var label: String?
    /// The target, redacted; nil when the disk has none.
    public var target: String?
    /// `Target.identity`: two spellings of one export or device give the same.
    public var targetIdentity: String?
    /// The cloud volume ID, link and resolved path when given with `--volume`.
    public var volumeId: String?
    public var link: String?
    public var resolvedPath: String?
    public var expectedBytes: UInt64
    public var actualBytes: UInt64?
    public var state: PreflightState
    /// Why the target was not opened or read, when it was not.
    public var reason: String?
    /// Whether the target refuses writes; nil when it was not opened.
    public var readOnly: Bool?
    public var verdict: PreflightVerdict
    public var findings: [Finding]
    /// The first and last MiB, with their SHA-256 (what `verify --preflight` compares).
    public var head: PreflightWindow?
    public var tail: PreflightWindow?
    /// What a labelled target carries.
    public var carries: CarriedLabel?
    /// The label's regions inside those windows, as the probe read them, with SHA-256.
    public var regions: [RegionRead]

    public init(key: String, label: String?, target: String?, targetIdentity: String?, expectedBytes: UInt64,
                state: PreflightState, verdict: PreflightVerdict = .ready) {
        self.key = key
        self.label = label
        self.target = target
        self.targetIdentity = targetIdentity
        self.expectedBytes = expectedBytes
        self.state = state
        self.verdict = verdict
        self.findings = []
        self.regions = []
    }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case key, label, target, targetIdentity, volumeId, link, resolvedPath, expectedBytes, actualBytes, state, reason,
             readOnly, verdict, findings, head, tail, carries, regions
    }

    /// Encodes every key, absent values as `null`.
    public func encode(to encoder: Encoder) throws {
        try NullEncoding.encode(self, keys: CodingKeys.self, to: encoder)
    }
}

/// `preflight.json` (README.md, "Before the copy: preflight"):
/// `{schemaVersion, verdict, vm, disks[{key, target, expectedBytes, actualBytes, state, findings}], findings}`.
public struct PreflightReport: Codable, Sendable, Equatable {
    public var schemaVersion: Int
    /// Always "preflight", so a report can be told from a verify report.
    public var kind: String
    public var tool: ToolInfo
    public var startedAt: String
    public var finishedAt: String
    public var verdict: PreflightVerdict
    public var vm: VMIdentity
    public var disks: [PreflightDisk]
    /// Findings about the VM as a whole: mapping, volumes found or not.
    public var findings: [Finding]
    /// Whether any volume was opened (false when the mapping blocked first).
    public var volumesOpened: Bool
    /// Which build ran how, where, by whom, on which inputs (README.md, "Provenance and signed attestations").
    public var provenance: Provenance?

    public init(tool: ToolInfo, startedAt: String, finishedAt: String, verdict: PreflightVerdict, vm: VMIdentity,
                disks: [PreflightDisk], findings: [Finding], volumesOpened: Bool) {
        self.schemaVersion = 1
        self.kind = "preflight"
        self.tool = tool
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.verdict = verdict
        self.vm = vm
        self.disks = disks
        self.findings = findings
        self.volumesOpened = volumesOpened
    }

    /// The disk with `key`, if any.
    public func disk(_ key: String) -> PreflightDisk? { disks.first { $0.key == key } }

    /// Every finding, the VM's first.
    public var allFindings: [Finding] { findings + disks.flatMap(\.findings) }
}
