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
        md += "| Started | \(cell(report.startedAt)) |\n| Finished | \(cell(report.finishedAt)) |\n"
        md += "| Tool | \(cell(report.tool.name)) \(cell(report.tool.version)) |\n\n"

        if !report.contamination.isEmpty {
            md += "## Contamination\n\n"
            for entry in report.contamination {
                md += "- \(MarkdownText.text(ContaminationProse.sentence(entry, in: report))) "
                md += "Evidence: \(entry.evidence.map { MarkdownText.code($0) }.joined(separator: ", ")).\n"
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
            let top = report.headline(for: disk).map { MarkdownText.code($0.code, inTable: true) } ?? "—"
            md += "| \(cell(disk.key)) | \(cell(disk.label ?? "")) | \(MarkdownText.code(disk.target ?? "unmapped", inTable: true)) | "
                + "\(ByteSize.human(disk.expectedBytes)) (\(disk.expectedBytes) B) | \(actual) | "
                + "**\(disk.verdict.rawValue.uppercased())** | \(top) |\n"
        }
        md += "\n"
        for disk in report.disks {
            md += "### \(cell(disk.described)) — \(disk.verdict.rawValue.uppercased())\n\n"
            if let canary = report.canary?.disks.first(where: { $0.key == disk.key }) {  // issue 14 (docs/CANARY.md)
                let counts = canary.counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
                md += "Canary: \(canary.expectedBlocks) locations — \(cell(counts)).\n\n"
            }
            let vmFindings = report.findings.filter { Verifier.names($0.evidence, key: disk.key) }
            if disk.findings.isEmpty {
                md += vmFindings.isEmpty ? "No findings.\n\n"
                    : "No findings of its own; VM findings that name it: "
                        + vmFindings.map { MarkdownText.code($0.code) }.joined(separator: ", ") + " (above).\n\n"
                continue
            }
            for finding in disk.findings { md += item(finding) }
            md += "\n"
        }
        md += ProvenanceSection.markdown(report.provenance)
        return md
    }

    /// Evidence values longer than this (or arrays of more than `longItems` values) go into
    /// a collapsible `<details>` block (26 hash pairs on one line help no reader).
    static let longEvidence = 400
    static let longItems = 8

    static func item(_ finding: Finding) -> String {
        var text = "- **\(finding.severity.rawValue)** \(MarkdownText.code(finding.code)): \(MarkdownText.text(finding.message))\n"
        for (key, value) in finding.evidence.sorted(by: { $0.key < $1.key }) {
            let rendered = EvidenceText.render(value)
            let lines: [String]? = {
                guard rendered.count > longEvidence || value.arrayCount > longItems else { return nil }
                if case .array(let values) = value { return values.map(EvidenceText.render) }
                return [rendered]
            }()
            guard let lines else {
                text += "  - \(MarkdownText.text(key)): \(MarkdownText.code(rendered))\n"
                continue
            }
            let size = lines.count > 1 ? "\(lines.count) values" : "\(rendered.count) characters"
            text += "  - \(MarkdownText.text(key)): \(size)\n\n"
            text += "    <details><summary>\(Markup.escape(key)) (\(size))</summary>\n\n"
            text += MarkdownText.block(lines, indent: "    ")
            text += "\n    </details>\n\n"
        }
        return text
    }

    /// Untrusted text for a table cell (see `MarkdownText.text`: no pipe, newline or markup survives).
    static func cell(_ text: String) -> String { MarkdownText.text(text) }
}

extension JSONValue {
    /// The number of elements of an array, 0 for anything else.
    fileprivate var arrayCount: Int {
        if case .array(let values) = self { return values.count }
        return 0
    }
}
