import AuditCore

/// `gpt-backup-misplaced`: no valid backup header where the primary says it is.
enum GPTBackupPlacementRule: ProbeRule {
    static let code = FindingCode.gptBackupMisplaced

    static func findings(in probe: ProbeResult) -> [Finding] {
        guard let p = probe.witnesses.primaryGPT, p.headerCRCValid else { return [] }
        let deviceLastLBA = probe.sizeBytes / UInt64(probe.sectorSize) - 1
        let evidence: [String: JSONValue] = [
            "primary": p.evidence, "alternateLBA": .number(p.alternateLBA), "deviceLastLBA": .number(deviceLastLBA),
            "backup": probe.witnesses.backupGPT?.evidence ?? .null,
        ]
        if p.alternateLBA > deviceLastLBA {
            return [Finding(code: code, severity: .warning,
                            message: "The primary GPT header places its backup at LBA \(p.alternateLBA), past the device's last LBA \(deviceLastLBA): "
                                + "the label was written for a larger disk than this volume.",
                            evidence: evidence)]
        }
        if let b = probe.witnesses.backupGPT, b.headerCRCValid, b.myLBA == p.alternateLBA { return [] }
        let what = probe.witnesses.backupGPT == nil ? "no GPT header" : "no valid GPT header"
        return [Finding(code: code, severity: .warning,
                        message: "The primary GPT header places its backup at LBA \(p.alternateLBA), but \(what) is there; "
                            + "the backup was moved, overwritten or never written.",
                        evidence: evidence)]
    }
}
