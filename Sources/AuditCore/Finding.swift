/// How much a finding matters. The verdict is `fail` when any finding is `error` or `critical`.
public enum Severity: String, Codable, Sendable, Comparable, CaseIterable {
    case info, warning, error, critical

    private var rank: Int {
        switch self {
        case .info: 0
        case .warning: 1
        case .error: 2
        case .critical: 3
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }

    /// Whether a finding of this severity fails the verdict.
    public var fails: Bool { self >= .error }
}

/// One observation about a volume or a VM: a stable `code`, a `severity`, a message a
/// person can act on, and the `evidence` (offsets, values, hashes) it rests on.
///
/// Codes are part of the CLI contract (docs/CONTRACT.md, "Finding codes"); never rename one.
public struct Finding: Codable, Sendable, Equatable {
    public var code: String
    public var severity: Severity
    public var message: String
    public var evidence: [String: JSONValue]

    public init(code: String, severity: Severity, message: String, evidence: [String: JSONValue] = [:]) {
        self.code = code
        self.severity = severity
        self.message = message
        self.evidence = evidence
    }
}
