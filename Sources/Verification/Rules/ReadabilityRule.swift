import AuditCore
import SourceInventory

/// Whether the volume could be read at all, and completely. A volume that could not be
/// read never passes: these findings make the verdict inconclusive (unless something
/// else fails it).
public enum ReadabilityRule {
    /// The readability family.
    public static let family = RuleFamily.readability

    static func unreachableMessage(_ disk: SourceDisk, _ error: String) -> String {
        "The volume of \(DiskContext.describe(disk)) could not be opened: \(error). Nothing about it is verified."
    }

    static func probeFailedMessage(_ disk: SourceDisk, _ error: String) -> String {
        "Reading the volume of \(DiskContext.describe(disk)) failed: \(error). Nothing about it is verified."
    }

    static func unreadableMessage(_ disk: SourceDisk, count: Int) -> String {
        "\(count) region\(count == 1 ? "" : "s") of the volume of \(DiskContext.describe(disk)) could not be read; "
            + "the checks that need them are incomplete."
    }

    static func notReadMessage(_ disk: SourceDisk, _ reason: String) -> String {
        "The volume of \(DiskContext.describe(disk)) was not read: \(reason)."
    }

    /// Findings for `outcome`; empty when the volume was read completely.
    public static func findings(disk: SourceDisk, target: String?, outcome: ReadOutcome) -> [Finding] {
        let targetEvidence: JSONValue = .optional(target)
        switch outcome {
        case .unreachable(let message):
            return [Finding(code: FindingCode.targetUnreachable, severity: .warning,
                            message: unreachableMessage(disk, message),
                            evidence: ["target": targetEvidence, "error": .string(message)])]
        case .probeFailed(let message):
            return [Finding(code: FindingCode.unreadableRegion, severity: .warning,
                            message: probeFailedMessage(disk, message),
                            evidence: ["target": targetEvidence, "error": .string(message)])]
        case .notRead(let reason):
            return [Finding(code: FindingCode.notRead, severity: .info, message: notReadMessage(disk, reason),
                            evidence: ["target": targetEvidence])]
        case .probed(let probe):
            if let reported = probe.findings.first(where: { $0.code == FindingCode.unreadableRegion }) {
                return [reported]
            }
            guard !probe.unreadableRegions.isEmpty else { return [] }
            let regions: [JSONValue] = probe.unreadableRegions.map {
                ["offset": .number($0.offset), "length": .number($0.length), "error": .optional($0.error)]
            }
            return [Finding(code: FindingCode.unreadableRegion, severity: .warning,
                            message: unreadableMessage(disk, count: regions.count),
                            evidence: ["target": targetEvidence, "regions": .array(regions)])]
        }
    }
}
