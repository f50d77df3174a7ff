import AuditCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Verification

/// The wave's index.html (README.md, "A wave"): one self-contained page — inline CSS, no
/// scripts, no external assets — with the verdict counts, the contamination sentences first,
/// and a row per VM linking its report.html. Every name and message is escaped (they come
/// from inventories and guests).
public enum WaveHTMLReport {
    /// The HTML document.
    public static func render(_ report: WaveReport) -> String {
        let verdict = report.verdict
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>replica-audit wave \(Markup.escape(report.wave)) — \(verdict.uppercased())</title>
            <style>\(style)</style>
            </head>
            <body>
            <header class="verdict \(Markup.escape(verdict))">
            <h1>Wave \(Markup.escape(report.wave)): \(verdict.uppercased())</h1>
            <p class="counts"><span class="fail">\(report.counts.fail) fail</span> · \
            <span class="inconclusive">\(report.counts.inconclusive) inconclusive</span> · \
            <span class="pass">\(report.counts.pass) pass</span>\
            \(report.counts.notRun > 0 ? " · <span class=\"not-run\">\(report.counts.notRun) not run</span>" : "") \
            — \(report.vms.count) VMs, \(report.vms.map(\.disks.count).reduce(0, +)) disks.</p>
            <p>Started \(Markup.escape(report.startedAt)), finished \(Markup.escape(report.finishedAt)), \
            \(Markup.escape(report.tool.name)) \(Markup.escape(report.tool.version)), at most \(report.jobs) connections at once.\
            \(report.interrupted ? " <strong>Interrupted: the VMs not run were not verified.</strong>" : "")</p>
            </header>

            """
        let contaminated = report.vms.filter { !$0.contamination.isEmpty }
        if !contaminated.isEmpty {
            html += "<section class=\"contamination\"><h2>Contamination</h2><ul>\n"
            for vm in contaminated {
                for sentence in vm.contamination {
                    html += "<li><strong>\(link(vm, text: vm.vm))</strong>: \(Markup.escape(sentence))</li>\n"
                }
            }
            html += "</ul></section>\n"
        }
        html += "<section><h2>VMs</h2>\n<table class=\"vms\"><thead><tr><th>#</th><th>VM</th><th>Verdict</th>"
            + "<th>Disks</th><th>Failed disks</th><th>Most important finding</th></tr></thead><tbody>\n"
        for vm in report.vms {
            let worst = vm.findings.filter { $0.severity >= .warning || FindingCode.unread.contains($0.code) }
                .max { $0.severity < $1.severity }
            html += "<tr><td>\(vm.index)</td><td>\(link(vm, text: vm.vm))</td>"
                + "<td class=\"\(Markup.escape(vm.verdict))\">\(Markup.escape(vm.verdict.uppercased()))</td>"
                + "<td>\(vm.disks.count)</td><td>\(Markup.escape(vm.failedDisks.joined(separator: ", ")))</td>"
                + "<td>\(worst.map { "<code>\(Markup.escape($0.code))</code> \(Markup.escape($0.message))" } ?? (vm.notes.first.map(Markup.escape) ?? "—"))</td></tr>\n"
        }
        html += "</tbody></table></section>\n</body>\n</html>\n"
        return html
    }

    /// A link to the VM's report.html, or the plain text when it has none.
    static func link(_ vm: WaveReport.VM, text: String) -> String {
        guard let dir = vm.reportDir else { return Markup.escape(text) }
        let encoded = dir.split(separator: "/").map { segment in
            PathText.percentEncodedSegment(String(segment))
        }.joined(separator: "/")
        return "<a href=\"\(Markup.escape(encoded))/report.html\">\(Markup.escape(text))</a>"
    }

    static let style = """
        body{font-family:system-ui,sans-serif;margin:2em;color:#222}
        header{padding:.5em 1em;border-radius:6px}
        header.fail{background:#fde2e1}header.inconclusive{background:#fff3cd}header.pass{background:#e3f6e5}
        table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}
        td.fail,.counts .fail{color:#b00020;font-weight:bold}td.inconclusive,.counts .inconclusive{color:#8a6d00;font-weight:bold}
        td.pass,.counts .pass{color:#1b7f2a;font-weight:bold}td.not-run,.counts .not-run{color:#666}
        .contamination li{margin:.4em 0}
        """
}
