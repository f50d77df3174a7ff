import Foundation
import TestSupport
import XCTest

/// The repository explains itself: every finding code the code can emit is documented in
/// docs/CONTRACT.md's table (with a severity) and in the README, and the documents cite no
/// code that does not exist. The codes are read from Sources/AuditCore/FindingCode.swift.
final class ContractDocumentTests: XCTestCase {
    /// `static let name = "code"` constants of FindingCode.swift.
    private func codesInSource() throws -> Set<String> {
        let source = try String(contentsOf: Repository.root.appendingPathComponent("Sources/AuditCore/FindingCode.swift"),
                                encoding: .utf8)
        let regex = try NSRegularExpression(pattern: #"static let \w+\s*=\s*"([a-z0-9-]+)""#)
        let range = NSRange(source.startIndex..., in: source)
        let codes = regex.matches(in: source, range: range).compactMap { match in
            Range(match.range(at: 1), in: source).map { String(source[$0]) }
        }
        return Set(codes)
    }

    /// The codes of the table rows "| `code` | severity | meaning |" in docs/CONTRACT.md.
    private func contractTable() throws -> [String: String] {
        let text = try String(contentsOf: Repository.root.appendingPathComponent("docs/CONTRACT.md"), encoding: .utf8)
        var rows: [String: String] = [:]
        guard let section = text.range(of: "\n## Finding codes") else { return rows }
        for line in text[section.upperBound...].split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 4 else { continue }
            rows[cells[1].trimmingCharacters(in: CharacterSet(charactersIn: "`"))] = cells[2]
        }
        return rows
    }

    func testEveryCodeIsInTheContractWithASeverity() throws {
        let codes = try codesInSource()
        XCTAssertGreaterThan(codes.count, 25, "the parser of FindingCode.swift found too few codes")
        let table = try contractTable()
        let severities: Set<String> = ["info", "warning", "error", "critical", "(inconclusive)"]
        for code in codes.sorted() {
            guard let severity = table[code] else {
                XCTFail("finding code \(code) is not in docs/CONTRACT.md's table"); continue
            }
            let words = severity.split(whereSeparator: { $0 == " " || $0 == "/" || $0 == "," }).map(String.init)
            XCTAssertTrue(words.contains(where: severities.contains), "\(code): severity '\(severity)' is not one of \(severities.sorted())")
        }
        for documented in table.keys.sorted() where !codes.contains(documented) {
            XCTFail("docs/CONTRACT.md documents \(documented), which FindingCode.swift does not define")
        }
    }

    func testEveryCodeIsInTheReadme() throws {
        let readme = try String(contentsOf: Repository.root.appendingPathComponent("README.md"), encoding: .utf8)
        for code in try codesInSource().sorted() {
            XCTAssertTrue(readme.contains("`\(code)`"), "finding code \(code) is not mentioned in README.md")
        }
    }

    func testCodeCitesOnlyDocumentsInTheRepository() throws {
        let fm = FileManager.default
        var offenders: [String] = []
        for folder in ["Sources", "Tests"] {
            let base = Repository.root.appendingPathComponent(folder)
            guard let walker = fm.enumerator(at: base, includingPropertiesForKeys: nil) else { continue }
            for case let url as URL in walker where url.pathExtension == "swift" {
                let text = try String(contentsOf: url, encoding: .utf8)
                if text.contains("DESIGN" + ".md") { offenders.append(url.lastPathComponent) }
            }
        }
        XCTAssertEqual(offenders, [], "these files cite a design document that is not in the repository; cite docs/ instead")
    }
}
