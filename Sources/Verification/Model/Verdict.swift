import AuditCore

/// The outcome of a verification, for one disk or the whole VM (docs/CONTRACT.md, "Verdicts").
public enum Verdict: String, Codable, Sendable, Comparable {
    case pass, inconclusive, fail

    private var rank: Int {
        switch self {
        case .pass: 0
        case .inconclusive: 1
        case .fail: 2
        }
    }

    /// pass < inconclusive < fail.
    public static func < (lhs: Verdict, rhs: Verdict) -> Bool { lhs.rank < rhs.rank }

    /// The contract's rule: fail when any finding is error or critical; otherwise
    /// inconclusive when something could not be read; otherwise pass.
    public static func of(findings: [Finding], somethingUnread: Bool) -> Verdict {
        if findings.contains(where: { $0.severity.fails }) { return .fail }
        return somethingUnread ? .inconclusive : .pass
    }

    /// The exit code `verify` returns for this verdict: 0 pass, 1 fail, 3 inconclusive.
    public var exitCode: Int32 {
        switch self {
        case .pass: 0
        case .fail: 1
        case .inconclusive: 3
        }
    }
}
