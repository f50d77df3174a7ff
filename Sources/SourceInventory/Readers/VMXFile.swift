#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import AuditCore

/// The settings of a VMX or VMDK descriptor: `key = "value"` lines, `#` comments. VMX keys are
/// case-insensitive; a key given twice is refused, naming it and both lines.
struct VMXFile {
    /// Lower-cased key → (value, line number).
    private(set) var settings: [String: (value: String, line: Int)] = [:]
    /// Lines that are not settings (a VMDK descriptor's extent lines), with their numbers.
    private(set) var otherLines: [(text: String, line: Int)] = []

    init(_ text: String) throws(FieldError) {
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingScalars(where: { $0 == "\r" || TextFormat.isSpace($0) })
            let number = index + 1
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let equals = line.firstIndex(of: "="), !line[..<equals].contains("\"") else {
                otherLines.append((line, number))
                continue
            }
            let key = line[..<equals].trimmingWhitespace()
            var value = line[line.index(after: equals)...].trimmingWhitespace()
            if value.hasPrefix("\"") {
                guard value.count >= 2, value.hasSuffix("\"") else {
                    throw FieldError(key, "line \(number): the value's closing quote is missing")
                }
                value = String(value.dropFirst().dropLast())
            }
            guard !key.isEmpty else { throw FieldError(nil, "line \(number): a setting without a name") }
            if let earlier = settings[key.lowercased()] {
                throw FieldError(key, "duplicate key: set on line \(earlier.line) and again on line \(number)")
            }
            settings[key.lowercased()] = (value, number)
        }
    }

    /// The value of `key` (case-insensitive).
    subscript(_ key: String) -> String? { settings[key.lowercased()]?.value }
}
