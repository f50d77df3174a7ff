import AuditCore

/// `gpt-entries-array-invalid`: a header names an entry array that is absurdly large,
/// too small per entry, or outside the device, so it was not read.
enum GPTEntriesArrayRule: ProbeRule {
    static let code = FindingCode.gptEntriesArrayInvalid

    static func findings(in probe: ProbeResult) -> [Finding] {
        let w = probe.witnesses
        var seen: Set<UInt64> = []
        var result: [Finding] = []
        for (role, header) in [("primary", w.primaryGPT), ("backup", w.backupGPT), ("device-end", w.endGPT)] {
            guard let header, seen.insert(header.lba).inserted, let problem = header.entriesProblem else { continue }
            result.append(Finding(
                code: code, severity: .error,
                message: "The \(role) GPT header at LBA \(header.lba) names an unusable entry array: \(problem).",
                evidence: ["role": .string(role), "header": header.evidence, "entriesLBA": .number(header.entriesLBA),
                           "entryCount": .number(header.entryCount), "entrySize": .number(header.entrySize)]))
        }
        return result
    }
}
