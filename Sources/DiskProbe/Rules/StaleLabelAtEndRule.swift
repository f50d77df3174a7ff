import AuditCore

/// `stale-label-at-end`: a second, different GPT header sits at the device's true last LBA —
/// what a label written for another disk, or an earlier label of this one, leaves behind.
enum StaleLabelAtEndRule: ProbeRule {
    static let code = FindingCode.staleLabelAtEnd

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
}
