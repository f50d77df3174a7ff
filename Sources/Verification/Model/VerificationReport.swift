import AuditCore
import Canary
import DiskProbe
import SourceInventory

/// The result of `verify`: the report.json document (docs/CONTRACT.md, "report.json").
public struct VerificationReport: Codable, Sendable, Equatable {
    public var schemaVersion: Int
    public var tool: ToolInfo
    /// ISO 8601 UTC.
    public var startedAt: String
    public var finishedAt: String
    public var verdict: Verdict
    public var vm: VMIdentity
    /// What the volumes were compared with besides the inventory.
    public var references: ReferenceKind
    /// `--content` mode and what it did.
    public var content: ContentSummary
    public var disks: [DiskReport]
    /// Findings about the VM as a whole (mapping).
    public var findings: [Finding]
    public var contamination: [Contamination]
    /// Which build ran how, where, by whom, on which inputs (README.md, "Provenance and signed
    /// attestations"); nil only in reports built in memory by tests.
    public var provenance: Provenance?
    /// What `verify --canary` found (issue 14, docs/CANARY.md); absent without --canary.
    public var canary: CanaryReport?

    /// A report; `schemaVersion` is 1 for this build.
    public init(schemaVersion: Int = 1, tool: ToolInfo, startedAt: String, finishedAt: String, verdict: Verdict,
                vm: VMIdentity, references: ReferenceKind, content: ContentSummary, disks: [DiskReport],
                findings: [Finding], contamination: [Contamination]) {
        self.schemaVersion = schemaVersion
        self.tool = tool
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.verdict = verdict
        self.vm = vm
        self.references = references
        self.content = content
        self.disks = disks
        self.findings = findings
        self.contamination = contamination
        self.provenance = nil
    }

    /// The disk with `key`, if any.
    public func disk(_ key: String) -> DiskReport? { disks.first { $0.key == key } }
}

/// Which tool wrote a report or baseline.
public struct ToolInfo: Codable, Sendable, Equatable {
    public var name: String
    public var version: String

    /// This tool, at `version`.
    public init(name: String = "replica-audit", version: String) {
        self.name = name
        self.version = version
    }
}

/// The `--content` mode of a run and what came of it.
public struct ContentSummary: Codable, Sendable, Equatable {
    /// "none", "sample" or "full".
    public var mode: String
    /// `mode`, typed; nil for a mode this version does not know (a report from another).
    public var contentMode: ContentMode? { ContentMode(rawValue: mode) }
    /// The sampling seed, when sampling ran.
    public var seed: UInt64?
    /// Why content was not compared, when it was asked for but could not be.
    public var note: String?
    /// Whether a content comparison actually ran; false when the mode is none or it could not.
    public var compared: Bool

    /// The content mode of a run; `compared` says whether a comparison actually ran.
    public init(mode: String, seed: UInt64? = nil, note: String? = nil, compared: Bool = false) {
        self.mode = mode
        self.seed = seed
        self.note = note
        self.compared = compared
    }

    private enum CodingKeys: String, CodingKey, CaseIterable { case mode, seed, note, compared }

    /// Encodes every key, absent values as `null`.
    public func encode(to encoder: Encoder) throws {
        try NullEncoding.encode(self, keys: CodingKeys.self, to: encoder)
    }
}

/// One disk of the VM in the report: what it should be, what its volume is, and why.
public struct DiskReport: Codable, Sendable, Equatable {
    /// Device key, as a string ("2000").
    public var key: String
    public var label: String?
    /// The destination target, redacted; nil for an unmapped disk.
    public var target: String?
    /// The source disk's capacity from the inventory.
    public var expectedBytes: UInt64
    /// The volume's size, nil when it could not be read.
    public var actualBytes: UInt64?
    public var verdict: Verdict
    public var findings: [Finding]
    /// One entry per rule family, for JUnit and for readers who want to see what ran.
    public var checks: [RuleCheck]
    /// The destination probe: every region read with its SHA-256, the witnesses.
    public var probe: ProbeResult?
    /// The source probe or baseline entry compared against, when there was one.
    public var reference: ProbeResult?

    /// One disk's entry.
    public init(key: String, label: String?, target: String?, expectedBytes: UInt64, actualBytes: UInt64?,
                verdict: Verdict, findings: [Finding], checks: [RuleCheck], probe: ProbeResult?, reference: ProbeResult?) {
        self.key = key
        self.label = label
        self.target = target
        self.expectedBytes = expectedBytes
        self.actualBytes = actualBytes
        self.verdict = verdict
        self.findings = findings
        self.checks = checks
        self.probe = probe
        self.reference = reference
    }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case key, label, target, expectedBytes, actualBytes, verdict, findings, checks, probe, reference
    }

    /// Encodes every key, absent values as `null` (`"actualBytes": null`).
    public func encode(to encoder: Encoder) throws {
        try NullEncoding.encode(self, keys: CodingKeys.self, to: encoder)
    }

    /// The finding that matters most: the most severe, the first of equals.
    public var headline: Finding? {
        findings.enumerated().max { a, b in
            a.element.severity == b.element.severity ? a.offset > b.offset : a.element.severity < b.element.severity
        }?.element
    }
}
