import Foundation
import Verification

/// Writes the four report files of a verification into one directory.
public enum ReportWriter {
    /// The file names written, in order.
    public static let fileNames = ["report.json", "junit.xml", "report.md", "report.html"]

    /// Creates `directory` if needed and writes report.json, junit.xml, report.md and
    /// report.html into it. Throws when a file cannot be written.
    public static func write(_ report: VerificationReport, to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try JSONReport.render(report).write(to: directory.appendingPathComponent("report.json"), options: .atomic)
        try Data(JUnitReport.render(report).utf8).write(to: directory.appendingPathComponent("junit.xml"), options: .atomic)
        try Data(MarkdownReport.render(report).utf8).write(to: directory.appendingPathComponent("report.md"), options: .atomic)
        try Data(HTMLReport.render(report).utf8).write(to: directory.appendingPathComponent("report.html"), options: .atomic)
    }

    /// The default report directory: `Reports/<vm>-<UTC yyyyMMdd'T'HHmmss'Z'>` under `base`.
    public static func defaultDirectory(base: URL, vm: String, at date: Date) -> URL {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let safe = String(vm.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." ? $0 : "_" })
        return base.appendingPathComponent("Reports").appendingPathComponent("\(safe.isEmpty ? "vm" : safe)-\(formatter.string(from: date))")
    }
}
