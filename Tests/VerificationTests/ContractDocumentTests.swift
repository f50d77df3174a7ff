import AuditCore
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

    /// Every `FindingCode` constant has a `FindingCatalog` entry (default severity, meaning,
    /// what to do), and the catalog names no code that FindingCode.swift does not define.
    func testEveryCodeHasACatalogEntry() throws {
        let codes = try codesInSource()
        let catalogued = FindingCatalog.all.map(\.code)
        for code in codes.sorted() where FindingCatalog.entry(code) == nil {
            XCTFail("finding code \(code) has no entry in FindingCatalog (Sources/AuditCore/FindingCatalog.swift); add one, "
                    + "then regenerate docs/CONTRACT.md's table with replica-audit findings --format markdown")
        }
        for code in catalogued where !codes.contains(code) {
            XCTFail("FindingCatalog has an entry for \(code), which FindingCode.swift does not define")
        }
        XCTAssertEqual(catalogued.count, Set(catalogued).count, "FindingCatalog lists a code twice")
        for entry in FindingCatalog.all {
            XCTAssertFalse(entry.summary.isEmpty || entry.action.isEmpty, "\(entry.code): summary and action must say something")
            XCTAssertTrue(entry.severities.contains(entry.defaultSeverity.rawValue) || entry.severities.contains("(inconclusive)"),
                          "\(entry.code): default severity \(entry.defaultSeverity) is not among \(entry.severities)")
        }
    }

    /// docs/CONTRACT.md's finding-code table is exactly what the catalog generates, and the
    /// `findings` command prints the same table.
    func testContractTableIsGeneratedFromTheCatalog() throws {
        let text = try String(contentsOf: Repository.root.appendingPathComponent("docs/CONTRACT.md"), encoding: .utf8)
        let begin = try XCTUnwrap(text.range(of: "<!-- Generated from Sources/AuditCore/FindingCatalog.swift"), "no generated-table marker")
        let tableStart = try XCTUnwrap(text.range(of: "\n", range: begin.upperBound..<text.endIndex)).upperBound
        let end = try XCTUnwrap(text.range(of: "<!-- end of generated table -->", range: tableStart..<text.endIndex))
        let documented = String(text[tableStart..<end.lowerBound])
        XCTAssertEqual(documented, FindingCatalog.markdownTable(),
                       "docs/CONTRACT.md's table differs from the catalog: replace it with the output of replica-audit findings --format markdown")
        let printed = try Repository.runTool(["findings", "--format", "markdown"])
        XCTAssertEqual(printed.status, 0)
        XCTAssertEqual(printed.stdout, FindingCatalog.markdownTable())
    }

    func testFindingsCommandExplainsCodesAndRefusesUnknownOnes() throws {
        let one = try Repository.runTool(["findings", "stale-label-at-end"])
        XCTAssertEqual(one.status, 0)
        XCTAssertTrue(one.stdout.hasPrefix("stale-label-at-end (warning)\n"), one.stdout)
        XCTAssertTrue(one.stdout.contains("What to do: "), one.stdout)
        let all = try Repository.runTool(["findings", "--format", "json"])
        let rows = try JSONSerialization.jsonObject(with: Data(all.stdout.utf8)) as? [[String: String]]
        XCTAssertEqual(rows?.count, FindingCatalog.all.count)
        XCTAssertEqual(rows?.first { $0["code"] == "not-read" }?["defaultSeverity"], "info")
        let unknown = try Repository.runTool(["findings", "no-such-code"])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains("unknown finding code no-such-code"), unknown.stderr)
    }

    func testFindingTakesItsDefaultSeverityFromTheCatalog() {
        XCTAssertEqual(Finding(code: FindingCode.labelSizedForOtherDisk, message: "m").severity, .critical)
        XCTAssertEqual(Finding(code: FindingCode.notRead, message: "m").severity, .info)
        XCTAssertEqual(Finding(code: "not-in-the-catalog", message: "m").severity, .warning)
        XCTAssertEqual(Finding(code: FindingCode.mbrHybrid, message: "m").definition?.severities, "warning")
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
