import DiskProbe
import Foundation
import TestSupport
import XCTest

/// Partition table types and DOS partition kinds are compared typed (LabelType,
/// PartitionKind), while the JSON keeps the strings of docs/CONTRACT.md.
final class LabelKindsTests: XCTestCase {
    func testTypedViewsOfTheStoredStrings() throws {
        var table = PartitionTable(type: "gpt")
        XCTAssertEqual(table.labelType, .gpt)
        table.type = "dos"
        XCTAssertEqual(table.labelType, .dos)
        XCTAssertEqual(LabelType(rawValue: "atari"), .atari)
        XCTAssertEqual(PartitionKind.allCases.map(\.rawValue), ["primary", "extended", "logical", "nested"])
    }

    /// No source compares a table type or a partition kind with a string literal.
    func testNoStringlyTypedComparisonsInSources() throws {
        let sources = Repository.root.appendingPathComponent("Sources")
        let pattern = try NSRegularExpression(pattern: #"(\.type|\.kind|tableType)\s*[!=]=\s*"(gpt|dos|extended|logical|primary|PMBR)""#)
        var offenders: [String] = []
        for case let file as String in FileManager.default.enumerator(atPath: sources.path)! where file.hasSuffix(".swift") {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let s = String(line)
                if pattern.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil { offenders.append("\(file):\(n + 1)") }
            }
        }
        XCTAssertEqual(offenders, [], "compare LabelType / PartitionKind instead (Sources/DiskProbe/Result/LabelKinds.swift)")
    }
}
