import AuditCore

/// The provenance section of report.md and report.html (README.md, "Provenance and signed
/// attestations"): which build ran how, where, by whom, when, on which inputs.
public enum ProvenanceSection {
    /// Label and plain-text value, in reading order.
    public static func rows(_ provenance: Provenance) -> [(String, String)] {
        let build = provenance.tool.build
        var rows: [(String, String)] = [
            ("Tool", "\(provenance.tool.name) \(provenance.tool.version), build \(build.commit) (\(build.date))"),
            ("Command line", provenance.shellCommandLine),
            ("Host", provenance.host),
            ("User", provenance.user),
            ("Started", provenance.startedAt),
            ("Finished", provenance.finishedAt),
            ("Case", provenance.caseId ?? "—"),
            ("Examiner", provenance.examiner ?? "—"),
        ]
        for input in provenance.inputs {
            rows.append(("Input (\(input.role))", "\(input.path), sha256 \(input.sha256 ?? "not readable")"
                         + (input.signature.map { ", signature \($0)" } ?? "")))
        }
        return rows
    }

    /// The Markdown section, "## Provenance" and a table; empty without provenance.
    public static func markdown(_ provenance: Provenance?) -> String {
        guard let provenance else { return "" }
        var md = "## Provenance\n\n| | |\n|---|---|\n"
        for (label, value) in rows(provenance) {
            md += "| \(label) | \(MarkdownText.text(value)) |\n"
        }
        return md + "\n"
    }

    /// The HTML section; empty without provenance.
    public static func html(_ provenance: Provenance?) -> String {
        guard let provenance else { return "" }
        var html = "<section class=\"provenance\"><h2>Provenance</h2>\n<table class=\"provenance\"><tbody>\n"
        for (label, value) in rows(provenance) {
            html += "<tr><th>\(Markup.escape(label))</th><td><code>\(Markup.escape(value))</code></td></tr>\n"
        }
        return html + "</tbody></table></section>\n"
    }
}
