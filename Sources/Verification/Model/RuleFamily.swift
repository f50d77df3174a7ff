import AuditCore
/// The families of checks a disk goes through; one JUnit testcase per disk and family.
public enum RuleFamily: String, Codable, Sendable, CaseIterable {
    case readability
    case size
    case labelGeometry = "label-geometry"
    case staleLabel = "stale-label"
    case partitionBounds = "partition-bounds"
    case duplicateIdentity = "duplicate-identity"
    case layoutIdentity = "layout-identity"
    case guestFilesystems = "guest-filesystems"
    case content
    /// Blank and half-written volumes (issue 9.3).
    case dataPresence = "data-presence"
    /// Findings the probe made on its own (CRC errors, overlapping partitions, …).
    case probe
}

/// How one family of checks came out for one disk.
public struct RuleCheck: Codable, Sendable, Equatable {
    public var family: RuleFamily
    public var verdict: Verdict
    /// Codes of the findings this family produced, in order.
    public var findingCodes: [String]
    /// Why the family did not run (no reference, volume not read), when it did not.
    public var skippedBecause: String?

    /// The outcome of `family`, with the codes of its findings.
    public init(family: RuleFamily, verdict: Verdict, findingCodes: [String], skippedBecause: String? = nil) {
        self.family = family
        self.verdict = verdict
        self.findingCodes = findingCodes
        self.skippedBecause = skippedBecause
    }

    private enum CodingKeys: String, CodingKey, CaseIterable { case family, verdict, findingCodes, skippedBecause }

    /// Encodes every key, `skippedBecause` as `null` when the family ran.
    public func encode(to encoder: Encoder) throws {
        try NullEncoding.encode(self, keys: CodingKeys.self, to: encoder)
    }
}
