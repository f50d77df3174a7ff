import AuditCore
import BlockAccess
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import Verification

/// How the terminal summary is drawn: the width to wrap at (nil: never wrap) and whether
/// to colour it.
public struct TerminalStyle: Sendable, Equatable {
    public var width: Int?
    public var colour: Bool

    public init(width: Int?, colour: Bool) {
        self.width = width
        self.colour = colour
    }

    /// No colour, no wrapping (library callers and tests).
    public static let plain = TerminalStyle(width: nil, colour: false)

    /// The style for output written to `fd`: on a terminal its width and colour (unless
    /// `NO_COLOR` is set to anything non-empty, or TERM is "dumb"); elsewhere no colour and
    /// `COLUMNS` or 120 columns, so logs wrap as the README shows.
    public static func detect(fd: Int32, environment: [String: String] = ProcessInfo.processInfo.environment) -> TerminalStyle {
        let tty = isatty(fd) == 1
        var columns: Int?
        if tty { columns = FileDescriptor(rawValue: fd).terminalColumns() }
        if columns == nil, let text = environment["COLUMNS"], let value = Int(text), value > 0 { columns = value }
        let noColour = !(environment["NO_COLOR"] ?? "").isEmpty || environment["TERM"] == "dumb"
        return TerminalStyle(width: max(40, columns ?? 120), colour: tty && !noColour)
    }
}

/// What `verify` prints: a header at once, then one line per disk with its verdict and the
/// finding that matters most, the other findings of a disk that did not pass by severity
/// (critical first; past a few, a count of the rest), the contamination in plain words,
/// and the overall verdict. Every string from a guest or the inventory is escaped for the
/// terminal (`TerminalText`); long messages wrap at the width with a hanging indent.
public enum TerminalSummary {
    /// Findings listed under a disk besides its headline, before the rest are only counted.
    static let listedPerDisk = 8

    /// The first line, printed before anything is read.
    public static func header(vm: String, ovfConfiguration: String? = nil, disks: Int, references: ReferenceKind,
                              width: Int? = nil) -> String {
        let configuration = ovfConfiguration.map { " (OVF configuration '\(TerminalText.field($0))')" } ?? ""
        let text = "VM \(TerminalText.field(vm))\(configuration): \(disks) disk\(disks == 1 ? "" : "s"), compared with \(referenceWords(references))"
        return wrap(prefix: "", prefixWidth: 0, text: text, width: width).joined(separator: "\n")
    }

    /// The summary text (no trailing newline). `includeHeader: false` when `header` was
    /// already printed.
    public static func render(_ report: VerificationReport, reportDirectory: String?, style: TerminalStyle = .plain,
                              includeHeader: Bool = true) -> String {
        let paint = Painter(on: style.colour)
        var lines: [String] = []
        if includeHeader {
            lines.append(header(vm: report.vm.name, ovfConfiguration: report.vm.ovfConfiguration, disks: report.disks.count, references: report.references, width: style.width))
        }
        for finding in sorted(report.findings) where finding.severity >= .warning {
            let sev = finding.severity.rawValue.uppercased()
            lines += wrap(prefix: "  " + paint.severity(finding.severity, sev) + " ", prefixWidth: 3 + sev.count,
                          text: "\(finding.code): \(TerminalText.field(finding.message))", width: style.width)
        }
        let names = report.disks.map { TerminalText.field($0.described) }
        let nameWidth = names.map(\.count).max() ?? 0
        let verdictWidth = report.disks.map { $0.verdict.rawValue.count }.max() ?? 4
        for (disk, name) in zip(report.disks, names) {
            let word = disk.verdict.rawValue.uppercased()
            let padded = name.padded(toLength: nameWidth)
            let prefix = "\(padded)  \(paint.verdict(disk.verdict, word))"
            let indent = nameWidth + 2 + verdictWidth + 2
            // On a narrow terminal the findings hang 4 columns in, not under the message.
            let narrow = style.width.map { $0 - indent < 48 } ?? false
            let listIndent = narrow ? 4 : indent
            guard let top = report.headline(for: disk), top.severity > .info || disk.verdict != .pass else {
                lines.append(prefix)
                continue
            }
            let gap = String(repeating: " ", count: indent - (nameWidth + 2 + word.count))
            let isVMFinding = !disk.findings.contains(top)
            let text = isVMFinding ? "\(top.code) (a VM finding, above)" : "\(top.code): \(TerminalText.field(top.message))"
            lines += wrap(prefix: prefix + gap, prefixWidth: indent, text: text, width: style.width, hang: narrow ? listIndent : nil)
            guard disk.verdict != .pass else { continue }
            // The rest of a disk that did not pass, most severe first; info only counted.
            let rest = sorted(disk.findings.filter { $0 != top })
            let shown = rest.filter { $0.severity >= .warning }.prefix(listedPerDisk)
            for finding in shown {
                let sev = finding.severity.rawValue.uppercased()
                lines += wrap(prefix: String(repeating: " ", count: listIndent) + paint.severity(finding.severity, sev) + " ",
                              prefixWidth: listIndent + sev.count + 1,
                              text: "\(finding.code): \(TerminalText.field(finding.message))", width: style.width,
                              hang: narrow ? listIndent + 2 : nil)
            }
            let hidden = rest.filter { finding in !shown.contains(finding) }
            if !hidden.isEmpty {
                lines += wrap(prefix: String(repeating: " ", count: listIndent), prefixWidth: listIndent,
                              text: "and " + countWords(hidden) + " (in the reports)", width: style.width)
            }
        }
        for entry in report.contamination {
            lines.append("")
            lines += wrap(prefix: "", prefixWidth: 0, text: TerminalText.field(ContaminationProse.sentence(entry, in: report)),
                          width: style.width)
        }
        lines.append("")
        let word = report.verdict.rawValue.uppercased()
        let where_ = reportDirectory.map { "— reports in \(TerminalText.field($0))" } ?? ""
        var verdictLines = wrap(prefix: "Verdict: " + paint.verdict(report.verdict, word) + (where_.isEmpty ? "" : " "),
                                prefixWidth: 9 + word.count + (where_.isEmpty ? 0 : 1), text: where_, width: style.width)
        if where_.isEmpty { verdictLines = ["Verdict: " + paint.verdict(report.verdict, word)] }
        lines += verdictLines
        return lines.joined(separator: "\n")
    }

    /// Most severe first, in report order among equals.
    static func sorted(_ findings: [Finding]) -> [Finding] {
        findings.enumerated().sorted { a, b in
            a.element.severity == b.element.severity ? a.offset < b.offset : a.element.severity > b.element.severity
        }.map(\.element)
    }

    /// "2 warning and 3 info findings".
    static func countWords(_ findings: [Finding]) -> String {
        let order: [Severity] = [.critical, .error, .warning, .info]
        let parts = order.compactMap { severity -> String? in
            let n = findings.filter { $0.severity == severity }.count
            return n == 0 ? nil : "\(n) \(severity.rawValue)"
        }
        let joined = parts.count <= 1 ? parts.joined() : parts.dropLast().joined(separator: ", ") + " and " + parts.last!
        return joined + " finding\(findings.count == 1 ? "" : "s")"
    }

    /// `prefix` (of visible width `prefixWidth`) then `text` word-wrapped to `width`, every
    /// continuation line indented by `prefixWidth` (a hanging indent). A word longer than a
    /// line (a path, a URI) gets a line of its own and is never cut, so it can be copied.
    /// Without a width, one line.
    /// `hang` indents the continuation lines instead (a narrow terminal).
    static func wrap(prefix: String, prefixWidth: Int, text: String, width: Int?, hang: Int? = nil) -> [String] {
        guard let width, prefixWidth + text.count > width else { return [prefix + text] }
        let indent = hang ?? prefixWidth
        var lines: [String] = []
        var current = ""
        func flush() {
            lines.append((lines.isEmpty ? prefix : String(repeating: " ", count: indent)) + current)
            current = ""
        }
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            let room = max(1, width - (lines.isEmpty ? prefixWidth : indent))
            if !current.isEmpty, current.count + 1 + word.count > room { flush() }
            current += current.isEmpty ? String(word) : " " + word
        }
        if !current.isEmpty || lines.isEmpty { flush() }
        return lines
    }

    static func referenceWords(_ kind: ReferenceKind) -> String {
        switch kind {
        case .none: "the inventory only (no sources or baseline)"
        case .sources: "the inventory and the live source disks"
        case .baseline: "the inventory and a captured baseline"
        }
    }
}

/// ANSI colours for verdicts and severities, or nothing.
struct Painter {
    let on: Bool

    func paint(_ code: String, _ text: String) -> String { on ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }

    func verdict(_ verdict: Verdict, _ text: String) -> String {
        switch verdict {
        case .pass: paint("1;32", text)
        case .fail: paint("1;31", text)
        case .inconclusive: paint("1;33", text)
        }
    }

    func severity(_ severity: Severity, _ text: String) -> String {
        switch severity {
        case .critical, .error: paint("31", text)
        case .warning: paint("33", text)
        default: paint("2", text)
        }
    }
}
