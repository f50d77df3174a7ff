import AuditCore
import Verification

/// report.html: one self-contained page — inline CSS and inline SVG, no scripts, no
/// network, no external assets — with the verdict, the contamination in plain words, a
/// disk map per disk, and every finding with its evidence.
public enum HTMLReport {
    /// The HTML document.
    public static func render(_ report: VerificationReport) -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>replica-audit: \(Markup.escape(report.vm.name)) — \(report.verdict.rawValue.uppercased())</title>
            <style>\(style)</style>
            </head>
            <body>
            <header class="verdict \(report.verdict.rawValue)">
            <h1>\(Markup.escape(report.vm.name)): \(report.verdict.rawValue.uppercased())</h1>
            <p>Compared with \(Markup.escape(TerminalSummary.referenceWords(report.references))); content: \
            \(Markup.escape(report.content.mode)). Started \(Markup.escape(report.startedAt)), \
            \(Markup.escape(report.tool.name)) \(Markup.escape(report.tool.version)).</p>
            </header>

            """
        if !report.contamination.isEmpty {
            html += "<section class=\"contamination\"><h2>Contamination</h2><ul>\n"
            for entry in report.contamination {
                html += "<li>\(Markup.escape(ContaminationProse.sentence(entry, in: report)))"
                html += " <span class=\"codes\">\(entry.evidence.map { "<code>\(Markup.escape($0))</code>" }.joined(separator: " "))</span></li>\n"
            }
            html += "</ul></section>\n"
        }
        if !report.findings.isEmpty {
            html += "<section><h2>VM findings</h2>\n"
            for finding in report.findings { html += findingBlock(finding) }
            html += "</section>\n"
        }
        html += "<section><h2>Disks</h2>\n<table class=\"disks\"><thead><tr><th>Disk</th><th>Target</th>"
            + "<th>Expected</th><th>Volume</th><th>Verdict</th><th>Most important finding</th></tr></thead><tbody>\n"
        for disk in report.disks {
            html += "<tr><td>\(Markup.escape(disk.described))</td><td><code>\(Markup.escape(disk.target ?? "unmapped"))</code></td>"
                + "<td>\(ByteSize.human(disk.expectedBytes))</td>"
                + "<td>\(disk.actualBytes.map { ByteSize.human($0) } ?? "not read")</td>"
                + "<td class=\"\(disk.verdict.rawValue)\">\(disk.verdict.rawValue.uppercased())</td>"
                + "<td>\(report.headline(for: disk).map { "<code>\(Markup.escape($0.code))</code>" } ?? "—")</td></tr>\n"
        }
        html += "</tbody></table></section>\n"
        for disk in report.disks {
            let carries = report.contamination.first { $0.disk == disk.key }?.carries
            html += "<section class=\"disk\" id=\"disk-\(Markup.escape(disk.key))\">\n"
            html += "<h2>\(Markup.escape(disk.described)) <span class=\"badge \(disk.verdict.rawValue)\">"
                + "\(disk.verdict.rawValue.uppercased())</span></h2>\n"
            html += DiskMapSVG.render(disk, carries: carries) + "\n"
            html += "<p class=\"legend\"><span class=\"swatch own\"></span> partitions of this disk "
                + "<span class=\"swatch foreign\"></span> partitions of another disk "
                + "<span class=\"swatch implied\"></span> where the label says its disk ends "
                + "<span class=\"swatch stale\"></span> stale header at the volume's end</p>\n"
            if let canary = report.canary?.disks.first(where: { $0.key == disk.key }) {  // issue 14
                html += CanaryStripSVG.render(canary, disk: disk, in: report)
            }
            let vmFindings = report.findings.filter { Verifier.names($0.evidence, key: disk.key) }
            if disk.findings.isEmpty {
                html += vmFindings.isEmpty ? "<p>No findings.</p>\n"
                    : "<p>No findings of its own; VM findings that name it: "
                        + vmFindings.map { "<code>\(Markup.escape($0.code))</code>" }.joined(separator: ", ") + " (above).</p>\n"
            }
            for finding in disk.findings { html += findingBlock(finding) }
            html += "</section>\n"
        }
        html += ProvenanceSection.html(report.provenance)
        html += "</body>\n</html>\n"
        return html
    }

    static func findingBlock(_ finding: Finding) -> String {
        var html = "<div class=\"finding \(finding.severity.rawValue)\"><p><span class=\"sev\">"
            + "\(finding.severity.rawValue)</span> <code>\(Markup.escape(finding.code))</code> "
            + "\(Markup.escape(finding.message))</p>\n"
        if !finding.evidence.isEmpty {
            html += "<table class=\"evidence\">"
            for (key, value) in finding.evidence.sorted(by: { $0.key < $1.key }) {
                html += "<tr><th>\(Markup.escape(key))</th><td><code>\(Markup.escape(EvidenceText.render(value)))</code></td></tr>"
            }
            html += "</table>\n"
        }
        return html + "</div>\n"
    }

    static let style = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:980px;padding:0 16px 40px;color:#1d2430}
        h1{margin:0;font-size:22px}h2{font-size:17px;margin:26px 0 8px}
        header.verdict{padding:14px 18px;border-radius:0 0 8px 8px;color:#fff}
        header.pass{background:#1f7a3a}header.fail{background:#b3261e}header.inconclusive{background:#8a6d00}
        header p{margin:6px 0 0;opacity:.92}
        .contamination{border-left:5px solid #b3261e;background:#fdf1f0;padding:4px 14px;margin-top:18px}
        .contamination li{margin:6px 0}
        table.disks{border-collapse:collapse;width:100%}table.disks td,table.disks th{border-bottom:1px solid #dde2ea;padding:5px 6px;text-align:left}
        td.pass,.badge.pass{color:#1f7a3a;font-weight:600}td.fail,.badge.fail{color:#b3261e;font-weight:600}
        td.inconclusive,.badge.inconclusive{color:#8a6d00;font-weight:600}
        .badge{font-size:13px;border:1px solid currentColor;border-radius:4px;padding:1px 6px;margin-left:6px}
        section.disk{border-top:1px solid #dde2ea;margin-top:22px}
        svg.diskmap{display:block;max-width:100%;height:auto;margin:6px 0}
        svg .disk{fill:#f4f6f9;stroke:#6b7686;stroke-width:1}svg .unread{fill:#eee;stroke:#8a6d00;stroke-dasharray:4 3}
        svg .part.own{fill:#4f7fc9;stroke:#27457a}svg .part.foreign{fill:#d9534f;stroke:#8c1f1b}
        svg .implied{stroke:#b3261e;stroke-width:2;stroke-dasharray:5 3}svg .stale{fill:#e09b00}
        svg .rowlabel{font:600 12px system-ui,sans-serif;fill:#1d2430}svg .caption{font:11px system-ui,sans-serif;fill:#4a5565}
        .legend{font-size:12px;color:#4a5565}.swatch{display:inline-block;width:12px;height:10px;margin:0 3px 0 10px;vertical-align:middle}
        .swatch.own{background:#4f7fc9}.swatch.foreign{background:#d9534f}.swatch.implied{background:#b3261e;width:3px}.swatch.stale{background:#e09b00;width:4px}
        .finding{border-left:4px solid #6b7686;background:#f7f8fa;padding:6px 10px;margin:8px 0}
        .finding p{margin:0 0 4px}.finding.critical,.finding.error{border-color:#b3261e}.finding.warning{border-color:#e09b00}
        .sev{text-transform:uppercase;font-size:11px;font-weight:700;letter-spacing:.04em}
        table.evidence{border-collapse:collapse;font-size:12px}table.evidence th{text-align:left;font-weight:500;color:#4a5565;padding:1px 10px 1px 0;vertical-align:top}
        table.evidence td{word-break:break-all}code{font:12px ui-monospace,"DejaVu Sans Mono",monospace}
        """
}
