import AuditCore
import Verification

/// report.md: the verdict, the contamination in plain words, a table of disks and every
/// finding with its evidence, for pasting into a ticket.
public enum MarkdownReport {
    /// The Markdown document.
    public static func render(_ report: VerificationReport) -> String {
        var md = "# replica-audit verify: \(cell(report.vm.name)) — \(report.verdict.rawValue.uppercased())\n\n"
        md += "| | |\n|---|---|\n"
        md += "| Verdict | **\(report.verdict.rawValue.uppercased())** |\n"
        md += "| VM | \(cell(report.vm.name))\(report.vm.moref.map { " (\(cell($0)))" } ?? "") |\n"
        if let configuration = report.vm.ovfConfiguration { md += "| OVF configuration | \(cell(configuration)) |\n" }
        md += "| Compared with | \(TerminalSummary.referenceWords(report.references)) |\n"
        md += "| Content | \(cell(report.content.mode))\(report.content.note.map { " — \(cell($0))" } ?? "") |\n"
        md += "| Started | \(report.startedAt) |\n| Finished | \(report.finishedAt) |\n"
        md += "| Tool | \(report.tool.name) \(report.tool.version) |\n\n"

        if !report.contamination.isEmpty {
            md += "## Contamination\n\n"
            for entry in report.contamination {
                md += "- \(ContaminationProse.sentence(entry, in: report)) "
                md += "Evidence: \(entry.evidence.map { "`\($0)`" }.joined(separator: ", ")).\n"
            }
            md += "\n"
        }
        if !report.findings.isEmpty {
            md += "## VM findings\n\n"
            for finding in report.findings { md += item(finding) }
            md += "\n"
        }
        md += "## Disks\n\n"
        md += "| Disk | Label | Target | Expected | Volume | Verdict | Most important finding |\n"
        md += "|---|---|---|---|---|---|---|\n"
        for disk in report.disks {
            let actual = disk.actualBytes.map { "\(ByteSize.human($0)) (\($0) B)" } ?? "not read"
            let top = report.headline(for: disk).map { "`\($0.code)`" } ?? "—"
            md += "| \(disk.key) | \(cell(disk.label ?? "")) | `\(cell(disk.target ?? "unmapped"))` | "
                + "\(ByteSize.human(disk.expectedBytes)) (\(disk.expectedBytes) B) | \(actual) | "
                + "**\(disk.verdict.rawValue.uppercased())** | \(top) |\n"
        }
        md += "\n"
        for disk in report.disks {
            md += "### \(cell(disk.described)) — \(disk.verdict.rawValue.uppercased())\n\n"
            if disk.findings.isEmpty { md += "No findings.\n\n"; continue }
            for finding in disk.findings { md += item(finding) }
            md += "\n"
        }
        return md
    }

    static func item(_ finding: Finding) -> String {
        var text = "- **\(finding.severity.rawValue)** `\(finding.code)`: \(finding.message)\n"
        for (key, value) in finding.evidence.sorted(by: { $0.key < $1.key }) {
            text += "  - \(key): `\(EvidenceText.render(value).replacingOccurrences(of: "`", with: "'"))`\n"
        }
        return text
    }

    /// Text safe inside a table cell: no pipes or newlines.
    static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
