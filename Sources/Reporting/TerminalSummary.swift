import AuditCore
import Verification

/// What `verify` prints: one line per disk with its verdict and the finding that matters
/// most, the contamination in plain words, then the overall verdict.
public enum TerminalSummary {
    /// The summary text (no trailing newline).
    public static func render(_ report: VerificationReport, reportDirectory: String?) -> String {
        var lines: [String] = []
        lines.append("VM \(report.vm.name)\(report.vm.ovfConfiguration.map { " (OVF configuration '\($0)')" } ?? ""): "
                     + "\(report.disks.count) disk\(report.disks.count == 1 ? "" : "s"), compared with \(referenceWords(report.references))")
        for finding in report.findings where finding.severity >= .warning {
            lines.append("  \(finding.severity.rawValue.uppercased()) \(finding.code): \(finding.message)")
        }
        let width = report.disks.map(\.described.count).max() ?? 0
        for disk in report.disks {
            let name = disk.described.padding(toLength: width, withPad: " ", startingAt: 0)
            var line = "\(name)  \(disk.verdict.rawValue.uppercased())"
            if let top = report.headline(for: disk), top.severity > .info || disk.verdict != .pass {
                let isVMFinding = !disk.findings.contains(top)
                line += isVMFinding ? "  \(top.code) (above)" : "  \(top.code): \(top.message)"
            }
            lines.append(line)
        }
        for entry in report.contamination {
            lines.append("")
            lines.append(ContaminationProse.sentence(entry, in: report))
        }
        lines.append("")
        var verdictLine = "Verdict: \(report.verdict.rawValue.uppercased())"
        if let reportDirectory { verdictLine += " — reports in \(reportDirectory)" }
        lines.append(verdictLine)
        return lines.joined(separator: "\n")
    }

    static func referenceWords(_ kind: ReferenceKind) -> String {
        switch kind {
        case .none: "the inventory only (no sources or baseline)"
        case .sources: "the inventory and the live source disks"
        case .baseline: "the inventory and a captured baseline"
        }
    }
}
