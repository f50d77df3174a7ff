import AuditCore

/// `stale-label-at-end`: a second, different GPT header sits at the device's true last LBA —
/// what a label written for another disk, or an earlier label of this one, leaves behind.
/// The one place this is computed: the probe reports it for a volume with a primary label;
/// `verify` (Verification's StaleLabelRule) adopts that finding, and adds the case of a
/// volume with no primary label at all (docs/ARCHITECTURE.md, "Where each rule lives").
public enum StaleLabelAtEndRule: ProbeRule {
    static let code = FindingCode.staleLabelAtEnd

    /// The probe's finding: a header at the last LBA that is neither where the primary puts
    /// its backup nor a copy of that backup.
    static func findings(in probe: ProbeResult) -> [Finding] {
        guard let p = probe.witnesses.primaryGPT, let end = probe.witnesses.endGPT,
              end.lba != p.alternateLBA, end.sha256 != probe.witnesses.backupGPT?.sha256 else { return [] }
        let sameGUID = end.diskGUID == p.diskGUID
        return [Finding(
            code: code, severity: .warning,
            message: "A second GPT header sits at the device's last LBA \(end.lba) (disk GUID \(end.diskGUID)), "
                + "apart from the label in use (disk GUID \(p.diskGUID), backup at LBA \(p.alternateLBA)). "
                + (sameGUID ? "It is an older copy of this disk's label."
                            : "It belongs to another label: the volume's original label was overwritten at its start."),
            evidence: [
                "endHeader": end.evidence, "primary": p.evidence, "labelDiskGUID": .string(p.diskGUID),
                "endDiskGUID": .string(end.diskGUID), "sameDiskGUID": .bool(sameGUID),
            ])]
    }

    /// What `verify` reports: the probe's own finding when `probe` carries one; else the same
    /// computation (a probe result built without the probe's rules); else, when the volume
    /// has no valid primary label, a valid header at the last LBA is left over from an earlier
    /// label (evidence `endHeaderLBA`, `endHeaderDiskGUID`, `endHeaderSHA256`,
    /// `endHeaderCRCValid`, `primaryDiskGUID`).
    public static func verifyFindings(in probe: ProbeResult) -> [Finding] {
        if let reported = probe.findings.first(where: { $0.code == code }) { return [reported] }
        let computed = findings(in: probe)
        if !computed.isEmpty { return computed }
        let witnesses = probe.witnesses
        guard let end = witnesses.endGPT, end.signatureValid else { return [] }
        let primary = witnesses.primaryGPT
        // With a valid primary the probe's computation above has decided.
        if primary?.signatureValid == true { return [] }
        var text = "A GPT header with disk GUID \(end.diskGUID) sits at the device's last LBA \(end.lba)"
        if let guid = primary?.diskGUID { text += ", but the label in use has disk GUID \(guid)" }
        return [Finding(code: code, severity: .warning, message: text + ": it is left over from an earlier, different label.",
                        evidence: [
                            "endHeaderLBA": .number(end.lba), "endHeaderDiskGUID": .string(end.diskGUID),
                            "endHeaderSHA256": .string(end.sha256), "endHeaderCRCValid": .bool(end.headerCRCValid),
                            "primaryDiskGUID": .optional(primary?.diskGUID),
                        ])]
    }
}
