import AuditCore

/// `gpt-crc-invalid`: a GPT header or its entry array fails its CRC-32.
enum GPTChecksumRule: ProbeRule {
    static let code = FindingCode.gptCRCInvalid

    static func findings(in probe: ProbeResult) -> [Finding] {
        let w = probe.witnesses
        var seen: Set<UInt64> = []
        var result: [Finding] = []
        for (role, header) in [("primary", w.primaryGPT), ("backup", w.backupGPT), ("device-end", w.endGPT)] {
            guard let header, seen.insert(header.lba).inserted else { continue }
            var broken: [String] = []
            if !header.headerCRCValid { broken.append("header CRC") }
            if header.entriesCRCValid == false { broken.append("entry array CRC") }
            guard !broken.isEmpty else { continue }
            result.append(Finding(
                code: code, severity: .error,
                message: "The \(role) GPT header at LBA \(header.lba) has an invalid \(broken.joined(separator: " and ")); "
                    + "the label is damaged or was partly overwritten. Compare with the source disk before trusting it.",
                evidence: [
                    "role": .string(role), "header": header.evidence,
                    "storedHeaderCRC32": header.storedHeaderCRC32.map { .number($0) } ?? .null,
                    "computedHeaderCRC32": header.computedHeaderCRC32.map { .number($0) } ?? .null,
                    "storedEntriesCRC32": header.storedEntriesCRC32.map { .number($0) } ?? .null,
                    "computedEntriesCRC32": header.computedEntriesCRC32.map { .number($0) } ?? .null,
                ]))
        }
        return result
    }
}
