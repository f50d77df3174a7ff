import AuditCore

/// `gpt-header-mismatch`: the primary header and the backup it names disagree.
enum GPTHeaderAgreementRule: ProbeRule {
    static let code = FindingCode.gptHeaderMismatch

    static func findings(in probe: ProbeResult) -> [Finding] {
        guard let p = probe.witnesses.primaryGPT, let b = probe.witnesses.backupGPT,
              p.headerCRCValid, b.headerCRCValid else { return [] }
        var differences: [String: JSONValue] = [:]
        func compare<T: BinaryInteger>(_ name: String, _ x: T, _ y: T) {
            if x != y { differences[name] = ["primary": .number(x), "backup": .number(y)] }
        }
        if p.diskGUID != b.diskGUID { differences["diskGUID"] = ["primary": .string(p.diskGUID), "backup": .string(b.diskGUID)] }
        compare("firstUsableLBA", p.firstUsableLBA, b.firstUsableLBA)
        compare("lastUsableLBA", p.lastUsableLBA, b.lastUsableLBA)
        compare("entryCount", p.entryCount, b.entryCount)
        compare("entrySize", p.entrySize, b.entrySize)
        compare("backup.myLBA vs primary.alternateLBA", p.alternateLBA, b.myLBA)
        compare("backup.alternateLBA vs primary.myLBA", p.myLBA, b.alternateLBA)
        if let x = p.storedEntriesCRC32, let y = b.storedEntriesCRC32 { compare("entriesCRC32", x, y) }
        guard !differences.isEmpty else { return [] }
        return [Finding(
            code: code, severity: .error,
            message: "The primary GPT header (LBA \(p.lba)) and its backup (LBA \(b.lba)) disagree on "
                + differences.keys.sorted().joined(separator: ", ")
                + "; one of them belongs to another label. Find which disk each came from before repairing.",
            evidence: ["differences": .object(differences), "primary": p.evidence, "backup": b.evidence])]
    }
}
