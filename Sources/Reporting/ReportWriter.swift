#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import AuditCore
import Verification

/// Writes the four report files of a verification into one directory.
public enum ReportWriter {
    /// The file names written, in order.
    public static let fileNames = ["report.json", "junit.xml", "report.md", "report.html"]

    /// Creates `directory` if needed and writes report.json, junit.xml, report.md and
    /// report.html into it. Throws, naming the file and the reason in plain words, when a
    /// file cannot be written. `OutputLocation.prepareDirectory` checks the directory
    /// before any volume is read; this is the second line of defence (a full disk).
    public static func write(_ report: VerificationReport, to directory: URL) throws {
        try OutputLocation.prepareDirectory(directory.path, option: "the report directory", createParents: true)
        let path = { (name: String) in directory.appendingPathComponent(name).path }
        try OutputLocation.write(JSONReport.render(report), to: path("report.json"))
        try OutputLocation.write(Data(JUnitReport.render(report).utf8), to: path("junit.xml"))
        try OutputLocation.write(Data(MarkdownReport.render(report).utf8), to: path("report.md"))
        try OutputLocation.write(Data(HTMLReport.render(report).utf8), to: path("report.html"))
    }

    /// The default report directory: `Reports/<vm>-<UTC yyyyMMdd'T'HHmmss'Z'>` under `base`.
    public static func defaultDirectory(base: URL, vm: String, at date: Date) -> URL {
        let safe = String(vm.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." ? $0 : "_" })
        return base.appendingPathComponent("Reports").appendingPathComponent("\(safe.isEmpty ? "vm" : safe)-\(UTCTime.compact(date))")
    }
}
