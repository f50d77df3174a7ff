import AuditCore

/// `unreadable-region`: reads failed, so the probe is incomplete (inconclusive, not a pass).
enum UnreadableRegionRule: ProbeRule {
    static let code = FindingCode.unreadableRegion

    static func findings(in probe: ProbeResult) -> [Finding] {
        guard !probe.unreadableRegions.isEmpty else { return [] }
        let total = probe.unreadableRegions.reduce(UInt64(0)) { $0 + $1.length }
        return [Finding(
            code: code, severity: .warning,
            message: "\(probe.unreadableRegions.count) region(s), \(ByteSize.human(total)) in all, could not be read; "
                + "the result is incomplete. Check the NBD server and the volume, then inspect again.",
            evidence: ["regions": .array(probe.unreadableRegions.map {
                ["offset": .number($0.offset), "length": .number($0.length), "error": .optional($0.error)]
            })])]
    }
}
