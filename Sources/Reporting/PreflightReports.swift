import AuditCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import BlockAccess
import Verification

/// The outputs of `preflight` (README.md, "Before the copy: preflight"): preflight.json,
/// a text summary, report.md and junit.xml with one testcase per disk, so that a pipeline
/// gates on it exactly as on `verify`.
public enum PreflightReports {
    /// The file names written, in order.
    public static let fileNames = ["preflight.json", "junit.xml", "report.md", "summary.txt"]

    /// preflight.json, pretty-printed with sorted keys, ending with a newline.
    public static func json(_ report: PreflightReport) throws -> Data {
        try JSONOutput.document(report)
    }

    /// Reads a preflight.json back (for `verify --preflight`).
    public static func load(path: String) throws -> PreflightReport {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw PreflightLoadError(message: "the preflight report \(path) cannot be read: \(Errno.reason(error))")
        }
        do {
            let report = try JSONDecoder().decode(PreflightReport.self, from: data)
            guard report.kind == "preflight" else {
                throw PreflightLoadError(message: "\(path) is not a preflight report (kind \(report.kind))")
            }
            return report
        } catch let error as PreflightLoadError {
            throw error
        } catch {
            throw PreflightLoadError(message: "\(path) is not a preflight report written by 'replica-audit preflight': \(error)")
        }
    }

    /// Writes the four files into `directory`, creating it.
    public static func write(_ report: PreflightReport, to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try json(report).write(to: directory.appendingPathComponent("preflight.json"), options: .atomic)
        try Data(junit(report).utf8).write(to: directory.appendingPathComponent("junit.xml"), options: .atomic)
        try Data(markdown(report).utf8).write(to: directory.appendingPathComponent("report.md"), options: .atomic)
        try Data(text(report, reportDirectory: nil).utf8).write(to: directory.appendingPathComponent("summary.txt"), options: .atomic)
    }

    /// The default directory: `Reports/<vm>-preflight-<UTC yyyyMMdd'T'HHmmss'Z'>` under `base`.
    public static func defaultDirectory(base: URL, vm: String, at date: Date) -> URL {
        let plain = ReportWriter.defaultDirectory(base: base, vm: vm, at: date)
        let name = plain.lastPathComponent
        guard let dash = name.lastIndex(of: "-") else { return plain }
        return plain.deletingLastPathComponent().appendingPathComponent(String(name[..<dash]) + "-preflight" + String(name[dash...]))
    }

    static func state(_ disk: PreflightDisk) -> String {
        switch disk.state {
        case .blank: "blank"
        case .labelled: "labelled"
        case .unreadable: disk.reason.map { "not checked: \($0)" } ?? "unreadable"
        }
    }

    static func diskTitle(_ disk: PreflightDisk) -> String {
        "disk \(disk.key)\(disk.label.map { " (\($0), \(ByteSize.human(disk.expectedBytes)))" } ?? " (\(ByteSize.human(disk.expectedBytes)))")"
    }

    /// The text summary: the verdict, a line per disk, then every finding that is not info.
    public static func text(_ report: PreflightReport, reportDirectory: String?) -> String {
        var lines: [String] = []
        let word: String = switch report.verdict {
        case .ready: "READY: nothing stands in the way of the copy"
        case .blocked: "BLOCKED: replicating with this mapping would corrupt or lose data"
        case .inconclusive: "INCONCLUSIVE: a target could not be checked"
        }
        lines.append("preflight of VM \(report.vm.name): \(word)")
        for finding in report.findings where finding.severity != .info || finding.code == FindingCode.volumeResolved {
            lines.append("  \(finding.severity.rawValue) \(finding.code): \(finding.message)")
        }
        for disk in report.disks {
            let size = disk.actualBytes.map { ByteSize.human($0) + " volume" } ?? "no volume read"
            lines.append("\(diskTitle(disk))  \(disk.verdict.rawValue.uppercased())  \(disk.target ?? "(no target)"): \(size), \(state(disk))")
            for finding in disk.findings where finding.severity != .info || finding.code == FindingCode.targetLargerThanSource {
                lines.append("    \(finding.severity.rawValue) \(finding.code): \(finding.message)")
            }
        }
        if let reportDirectory { lines.append("reports in \(reportDirectory)/") }
        return lines.joined(separator: "\n")
    }

    /// report.md, for a ticket.
    public static func markdown(_ report: PreflightReport) -> String {
        func cell(_ text: String) -> String { text.replacingEvery("|", with: "\\|").replacingEvery("\n", with: " ") }
        var md = "# Preflight of VM \(report.vm.name): \(report.verdict.rawValue)\n\n"
        md += "Checked \(report.startedAt) by \(report.tool.name) \(report.tool.version), before the copy. "
        md += report.volumesOpened ? "Each target was opened read-only; only its size, its flags and its first and last MiB were read.\n\n"
            : "No volume was opened: the mapping blocks the copy.\n\n"
        if !report.findings.isEmpty {
            md += "## The VM\n\n| severity | code | finding |\n|---|---|---|\n"
            for f in report.findings { md += "| \(f.severity.rawValue) | `\(f.code)` | \(cell(f.message)) |\n" }
            md += "\n"
        }
        md += "## Disks\n\n| disk | target | expected | volume | state | verdict |\n|---|---|---|---|---|---|\n"
        for d in report.disks {
            md += "| \(cell(diskTitle(d))) | \(cell(d.target ?? "—")) | \(d.expectedBytes) | \(d.actualBytes.map(String.init) ?? "—") | \(cell(state(d))) | \(d.verdict.rawValue) |\n"
        }
        for d in report.disks where !d.findings.isEmpty {
            md += "\n### \(diskTitle(d))\n\n"
            if let id = d.volumeId { md += "Volume \(id): link `\(d.link ?? "—")` → `\(d.resolvedPath ?? "—")`.\n\n" }
            for f in d.findings { md += "- **\(f.severity.rawValue)** `\(f.code)`: \(f.message)\n" }
        }
        if report.provenance != nil { md += "\n" + ProvenanceSection.markdown(report.provenance) }
        return md
    }

    /// junit.xml: one testsuite with one testcase per disk (a blocked disk is a failure, one
    /// that could not be checked an error; a ready disk's warnings are its system-out). The
    /// VM's findings that name a disk (a duplicate-target, a volume not found) are in that
    /// disk's testcase; one testcase for the mapping is added only for blocking findings
    /// that name no disk of the inventory (an unknown disk key).
    public static func junit(_ report: PreflightReport) -> String {
        struct Case { var name: String; var outcome: String?; var message: String; var notes: String = "" }
        var cases: [Case] = []
        let keys = report.disks.map(\.key)
        let unattached = report.findings.filter { f in f.severity.fails && !keys.contains { Verifier.names(f.evidence, key: $0) } }
        for d in report.disks {
            let outcome: String? = switch d.verdict {
            case .ready: nil
            case .blocked: "failure"
            case .inconclusive: "error"
            }
            let naming = report.findings.filter { $0.severity != .info && Verifier.names($0.evidence, key: d.key) }
            let relevant = naming + d.findings.filter { $0.severity != .info }
            var message = relevant.map { "\($0.code): \($0.message)" }.joined(separator: "\n")
            if d.verdict != .ready, d.state == .unreadable { message += (message.isEmpty ? "" : "\n") + state(d) }
            // A ready disk's warnings (a leftover label, a read-only target) still show in CI.
            cases.append(Case(name: "\(diskTitle(d)): preflight", outcome: outcome, message: message,
                              notes: outcome == nil ? message : ""))
        }
        if !unattached.isEmpty {
            cases.append(Case(name: "mapping", outcome: "failure",
                              message: unattached.map { "\($0.code): \($0.message)" }.joined(separator: "\n")))
        }
        let failures = cases.filter { $0.outcome == "failure" }.count
        let errors = cases.filter { $0.outcome == "error" }.count
        let classname = Markup.escape("replica-audit.preflight.\(report.vm.name)")
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites name=\"\(Markup.escape("replica-audit preflight \(report.vm.name)"))\" tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"\(errors)\" skipped=\"0\" time=\"0\">\n"
        xml += "  <testsuite name=\"\(Markup.escape("preflight \(report.vm.name)"))\" id=\"0\" tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"\(errors)\" skipped=\"0\" time=\"0\" timestamp=\"\(Markup.escape(String(report.startedAt.prefix(19))))\" hostname=\"replica-audit\">\n"
        xml += "    <properties>\n      <property name=\"verdict\" value=\"\(report.verdict.rawValue)\"/>\n    </properties>\n"
        for c in cases {
            xml += "    <testcase name=\"\(Markup.escape(c.name))\" classname=\"\(classname)\" time=\"0\""
            if let outcome = c.outcome {
                let first = c.message.split(separator: "\n").first.map(String.init) ?? c.message
                xml += ">\n      <\(outcome) message=\"\(Markup.escape(first))\" type=\"\(outcome == "failure" ? "blocked" : "inconclusive")\">\(Markup.escape(c.message))</\(outcome)>\n    </testcase>\n"
            } else if !c.notes.isEmpty {
                xml += ">\n      <system-out>\(Markup.escape(c.notes))</system-out>\n    </testcase>\n"
            } else {
                xml += "/>\n"
            }
        }
        xml += "  </testsuite>\n</testsuites>\n"
        return xml
    }
}

/// A preflight report that cannot be used.
public struct PreflightLoadError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
