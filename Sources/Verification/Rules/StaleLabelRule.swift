import AuditCore
import DiskProbe

/// A second, different GPT header at the device's true last LBA: what remains of an
/// earlier label when a smaller disk's label was written over the volume. The probe
/// reports it too; this rule adopts the probe's finding rather than repeating it.
public enum StaleLabelRule: DiskRule {
    /// The stale-label family.
    public static let family = RuleFamily.staleLabel

    static func message(end: GPTHeaderWitness, primaryGUID: String?) -> String {
        var text = "A GPT header with disk GUID \(end.diskGUID) sits at the device's last LBA \(end.lba)"
        if let primaryGUID { text += ", but the label in use has disk GUID \(primaryGUID)" }
        return text + ": it is left over from an earlier, different label."
    }

    /// `stale-label-at-end` (warning) when a different GPT header sits at the last LBA; the probe's own finding when it made one.
    public static func findings(in context: DiskContext) -> [Finding] {
        if let reported = context.probe.findings.first(where: { $0.code == FindingCode.staleLabelAtEnd }) {
            return [reported]
        }
        let witnesses = context.probe.witnesses
        guard let end = witnesses.endGPT, end.signatureValid else { return [] }
        let primary = witnesses.primaryGPT
        if let primary, primary.signatureValid {
            // The backup of the label in use, found where the primary says it is: not stale.
            if end.lba == primary.alternateLBA { return [] }
        }
        let evidence: [String: JSONValue] = [
            "endHeaderLBA": .number(end.lba), "endHeaderDiskGUID": .string(end.diskGUID),
            "endHeaderSHA256": .string(end.sha256), "endHeaderCRCValid": .bool(end.headerCRCValid),
            "primaryDiskGUID": .optional(primary?.diskGUID),
        ]
        return [Finding(code: FindingCode.staleLabelAtEnd, severity: .warning,
                        message: message(end: end, primaryGUID: primary?.diskGUID), evidence: evidence)]
    }
}
