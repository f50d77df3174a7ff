import AuditCore

/// The text form of `compare`: what a person reads at a terminal.
public enum CompareTextView {
    /// A full comparison: sizes, verdict, byte counts, differing extents, unreadable regions, notes.
    public static func render(_ r: CompareResult) -> String {
        var out = ""
        out += "source   \(TerminalText.field(r.source))  \(ByteSize.human(r.sourceBytes)) (\(r.sourceBytes) bytes)\n"
        out += "target   \(TerminalText.field(r.target))  \(ByteSize.human(r.targetBytes)) (\(r.targetBytes) bytes)\n"
        out += "result   \(headline(r))\n"
        out += "compared \(ByteSize.human(r.bytesCompared)) read and checked"
        if r.bytesCheckedAgainstHoles > 0 { out += " (\(ByteSize.human(r.bytesCheckedAgainstHoles)) of them against a hole)" }
        out += ", \(ByteSize.human(r.bytesSkippedAsHoles)) skipped as holes on both sides\n"
        out += "time     \(TextFormat.fixed(r.elapsedSeconds, decimals: 2)) s, \(ByteSize.human(UInt64(r.bytesPerSecond)))/s "
            + "(\(r.connections) connection(s) per side, \(r.requestsInFlight) × \(ByteSize.human(r.requestBytes)) in flight)\n"
        if !r.differences.isEmpty {
            out += "\ndiffering extents (\(r.differences.count)\(r.differencesTruncated ? ", list cut at the limit" : ""); "
                + "\(ByteSize.human(r.differingBytes)) differ in all):\n"
            for d in r.differences {
                out += "  offset \(d.offset) (\(ByteSize.human(d.offset)))  length \(d.length) (\(ByteSize.human(d.length)))\n"
            }
        }
        if !r.unreadable.isEmpty {
            out += "\nunreadable regions (\(r.unreadable.count)\(r.unreadableTruncated ? "+" : "")):\n"
            for u in r.unreadable {
                out += "  offset \(u.offset)  length \(u.length)  \(u.error ?? "")\n"
            }
        }
        if !r.notes.isEmpty {
            out += "\nnotes:\n" + r.notes.map { "  - \($0)\n" }.joined()
        }
        return TerminalText.output(out)
    }

    /// A sampled comparison.
    public static func render(_ r: SampleComparison) -> String {
        var out = ""
        out += "source   \(TerminalText.field(r.source))  \(ByteSize.human(r.sourceBytes)) (\(r.sourceBytes) bytes)\n"
        out += "target   \(TerminalText.field(r.target))  \(ByteSize.human(r.targetBytes)) (\(r.targetBytes) bytes)\n"
        let word = r.interrupted ? "interrupted" : r.status == .identical ? "identical in every sampled block"
            : r.status == .different ? "different" : "incomplete: some blocks could not be read"
        out += "result   \(word)\n"
        out += "sample   \(r.check.blocksCompared) blocks, seed \(r.check.seed), stride \(ByteSize.human(r.check.strideBytes)) "
            + "of allocated data, \(TextFormat.fixed(r.elapsedSeconds, decimals: 2)) s\n"
        if !r.check.mismatches.isEmpty {
            out += "\nmismatching blocks (\(r.check.mismatches.count)):\n"
            for m in r.check.mismatches.prefix(50) {
                out += "  offset \(m.offset)  length \(m.length)  \(m.purpose)  expected \(m.expectedSHA256.prefix(16))…  "
                    + "found \(m.actualSHA256.map { String($0.prefix(16)) + "…" } ?? "(beyond the target's end)")\n"
            }
        }
        if !r.check.unreadable.isEmpty {
            out += "\nunreadable blocks (\(r.check.unreadable.count)):\n"
            for u in r.check.unreadable.prefix(50) { out += "  offset \(u.offset)  length \(u.length)  \(u.error ?? "")\n" }
        }
        for f in r.findings where f.code != FindingCode.contentMismatch && f.code != FindingCode.unreadableRegion {
            out += "\n\(f.severity.rawValue): \(f.message)\n"
        }
        return TerminalText.output(out)
    }

    private static func headline(_ r: CompareResult) -> String {
        if r.interrupted { return "interrupted (partial result; exit 2)" }
        switch r.status {
        case .identical:
            return r.targetBytes > r.sourceBytes ? "identical as far as the source reaches (the target's tail is zeros)" : "identical"
        case .different:
            return "different: \(ByteSize.human(r.differingBytes)) differ, first at offset \(r.differences.first?.offset ?? 0)"
        case .incomplete:
            return "incomplete: \(r.unreadable.count) region(s) could not be read, so the volumes are NOT known to be identical"
        }
    }
}
