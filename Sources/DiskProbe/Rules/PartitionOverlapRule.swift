import AuditCore

/// `partitions-overlap`: two partitions share sectors (0-byte partitions share none). Containers by design are excepted: a
/// DOS extended partition and its logical partitions, a partition and the slices of the table
/// nested in it, and SGI's volume header (type 0x00) and whole-volume (type 0x06) entries.
enum PartitionOverlapRule: ProbeRule {
    static let code = FindingCode.partitionsOverlap

    static func findings(in probe: ProbeResult) -> [Finding] {
        let sgi = probe.partitionTable?.type == "sgi"
        // A 0-byte partition holds no sector, so it overlaps nothing.
        let parts = probe.partitions.filter { $0.partitionKind != .extended && $0.sizeBytes > 0 && !(sgi && ($0.type == "0x00" || $0.type == "0x06")) }
        var result: [Finding] = []
        for i in parts.indices {
            for j in parts.indices where j > i {
                let a = parts[i], b = parts[j]
                guard a.startLBA <= b.endLBA, b.startLBA <= a.endLBA, a.parent != b.number, b.parent != a.number else { continue }
                result.append(Finding(
                    code: code, severity: .error,
                    message: "Partitions \(a.number) (LBA \(a.startLBA)–\(a.endLBA)) and \(b.number) "
                        + "(LBA \(b.startLBA)–\(b.endLBA)) overlap; writing to one corrupts the other.",
                    evidence: ["a": ["number": .number(a.number), "startLBA": .number(a.startLBA), "endLBA": .number(a.endLBA)],
                               "b": ["number": .number(b.number), "startLBA": .number(b.startLBA), "endLBA": .number(b.endLBA)]]))
            }
        }
        return result
    }
}
