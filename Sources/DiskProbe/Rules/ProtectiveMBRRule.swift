import AuditCore

/// `mbr-hybrid` and `mbr-protective-malformed`: a GPT disk's MBR should hold exactly one
/// 0xEE entry starting at LBA 1 and nothing else. A hybrid MBR (0xEE plus real partitions)
/// lets MBR-only tools see another layout; several or misplaced 0xEE entries are damage.
enum ProtectiveMBRRule: ProbeRule {
    static let hybridCode = FindingCode.mbrHybrid
    static let malformedCode = FindingCode.mbrProtectiveMalformed

    static func findings(in probe: ProbeResult) -> [Finding] {
        guard let mbr = probe.witnesses.mbr else { return [] }
        let protective = mbr.entries.filter { $0.type == "0xee" }
        guard !protective.isEmpty else { return [] }
        let others = mbr.entries.filter { $0.type != "0xee" }
        let entries: JSONValue = .array(mbr.entries.map {
            ["index": .number($0.index), "type": .string($0.type), "startLBA": .number($0.startLBA), "sectors": .number($0.sectors)]
        })
        var result: [Finding] = []
        if protective.count > 1 || protective[0].startLBA != 1 {
            result.append(Finding(
                code: malformedCode, severity: .warning,
                message: "The protective MBR has \(protective.count) 0xEE entr\(protective.count == 1 ? "y" : "ies")"
                    + (protective[0].startLBA != 1 ? " starting at LBA \(protective[0].startLBA) instead of 1" : "")
                    + "; a GPT disk's MBR has exactly one, at LBA 1. Tools may refuse or misread the disk.",
                evidence: ["entries": entries]))
        }
        if !others.isEmpty {
            result.append(Finding(
                code: hybridCode, severity: .warning,
                message: "The MBR is hybrid: besides the 0xEE entry it lists \(others.count) partition(s) "
                    + "(\(others.map { "\($0.type) at LBA \($0.startLBA)" }.joined(separator: ", "))), which MBR-only tools use instead of the GPT.",
                evidence: ["entries": entries]))
        }
        return result
    }
}
