import AuditCore

/// `dos-ebr-chain-broken`: the DOS extended partition's chain of EBRs loops, leaves the
/// extended partition, or reaches an EBR without a signature — logical partitions after
/// that point are lost or read differently by each tool.
enum ExtendedChainRule: ProbeRule {
    static let code = FindingCode.dosEBRChainBroken

    static func findings(in probe: ProbeResult) -> [Finding] {
        guard let ending = probe.witnesses.extendedChainEnding, ending != "end" else { return [] }
        return [Finding(
            code: code, severity: .error,
            message: "The DOS extended partition's EBR chain is broken (\(ending)) after \(probe.witnesses.extendedBootRecordLBAs.count) EBR(s); "
                + "logical partitions past that point are missing or ambiguous.",
            evidence: ["ending": .string(ending), "ebrLBAs": .array(probe.witnesses.extendedBootRecordLBAs.map { .number($0) })])]
    }
}
