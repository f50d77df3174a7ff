import AuditCore
import Reporting
import Verification
import XCTest

/// Issue 18.2: one sanitiser per sink. Pure functions, so in-memory strings.
final class SanitiserTests: XCTestCase {
    static let hostile = "\u{1B}]0;pwned\u{07}\u{1B}[2J<img src=x>\n## heading `tick` **bold** \r\u{7F}\u{9B}31m\u{202E}txt.exe"

    func testTerminalFieldShowsEveryControlCharacterEscaped() {
        let out = TerminalText.field(Self.hostile)
        XCTAssertFalse(out.unicodeScalars.contains { TerminalText.isUnsafe($0) }, out)
        XCTAssertTrue(out.hasPrefix("\\x1b]0;pwned\\x07\\x1b[2J<img src=x>\\n## heading"), out)
        XCTAssertTrue(out.contains("\\r\\x7f\\u{9b}31m\\u{202e}txt.exe"), out)
        XCTAssertEqual(TerminalText.field("Hard disk 1"), "Hard disk 1")
    }

    func testTerminalOutputKeepsLayoutButNotEscapes() {
        let out = TerminalText.output("line 1\n\tline 2 \u{1B}[2J")
        XCTAssertEqual(out, "line 1\n\tline 2 \\x1b[2J")
    }

    func testMarkdownTextCannotAddMarkupOrBlocks() {
        let out = MarkdownText.text(Self.hostile)
        XCTAssertFalse(out.contains("\n"), out)
        XCTAssertNil(out.range(of: #"(?<!\\)<img"#, options: .regularExpression), out)  // escaped as \<img
        XCTAssertTrue(out.contains("\\<img src=x\\>"), out)
        XCTAssertTrue(out.contains("\\#\\# heading \\`tick\\` \\*\\*bold\\*\\*"), out)
        XCTAssertFalse(out.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, out)
        XCTAssertEqual(MarkdownText.text("a|b"), "a\\|b")
    }

    func testMarkdownCodeSpansUseALongerFenceAndNeverBreakALine() {
        XCTAssertEqual(MarkdownText.code("a`b"), "``a`b``")
        XCTAssertEqual(MarkdownText.code("`x`"), "`` `x` ``")
        XCTAssertEqual(MarkdownText.code("a|b", inTable: true), "`a\\|b`")
        XCTAssertFalse(MarkdownText.code("x\n## h").contains("\n"))
        let block = MarkdownText.block(["```", "a\u{1B}"], indent: "  ")
        XCTAssertTrue(block.hasPrefix("  ````text\n"), block)
        XCTAssertTrue(block.contains("a\\x1b"), block)
    }

    func testSummaryWrapsWithAHangingIndentAndListsFindingsBySeverity() {
        var report = SampleReports.incident()
        let extra = [
            Finding(code: "stale-label-at-end", severity: .warning, message: String(repeating: "word ", count: 40)),
            Finding(code: "partition-past-device-end", severity: .critical, message: "partition 3 ends past the device"),
            Finding(code: "label-size-differs-from-device", severity: .info, message: "info"),
        ]
        report.disks[0].findings += extra
        let text = TerminalSummary.render(report, reportDirectory: nil, style: TerminalStyle(width: 100, colour: false))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertTrue(lines.allSatisfy { $0.count <= 100 }, text)
        let first = lines.firstIndex { $0.hasPrefix("disk 2000") }!
        let indent = lines[first].range(of: "label-sized-for-other-disk")!.lowerBound.utf16Offset(in: lines[first])
        XCTAssertTrue(lines[first + 1].hasPrefix(String(repeating: " ", count: indent)) && lines[first + 1].dropFirst(indent).first != " ",
                      text)
        let critical = lines.firstIndex { $0.contains("CRITICAL partition-past-device-end") }!
        let warning = lines.firstIndex { $0.contains("WARNING stale-label-at-end") }!
        XCTAssertLessThan(critical, warning, "critical first:\n" + text)
        XCTAssertTrue(text.contains("and 1 info finding (in the reports)"), text)
        XCTAssertFalse(text.contains("\u{1B}["), "no colour without a terminal")
        let coloured = TerminalSummary.render(report, reportDirectory: nil, style: TerminalStyle(width: 80, colour: true))
        XCTAssertTrue(coloured.contains("\u{1B}[1;31mFAIL\u{1B}[0m"), coloured)
    }

    func testNoColourWhenNOCOLORIsSetOrNotATerminal() {
        XCTAssertFalse(TerminalStyle.detect(fd: -1, environment: [:]).colour)
        XCTAssertEqual(TerminalStyle.detect(fd: -1, environment: ["COLUMNS": "90"]).width, 90)
        XCTAssertEqual(TerminalStyle.detect(fd: -1, environment: [:]).width, 120)
    }

    func testMarkdownPutsLongEvidenceInACollapsibleBlockAndJUnitCarriesWarningsInSystemOut() throws {
        var report = SampleReports.incident()
        let pairs: [JSONValue] = (0..<26).map { i in
            .object(["offset": .number(UInt64(i) << 20), "sha256": .string(String(repeating: "ab", count: 32))])
        }
        report.disks[1].findings.append(Finding(code: "stale-label-at-end", severity: .warning, message: "a warning `x`",
                                                evidence: ["regions": .array(pairs), "short": "v"]))
        report.disks[1].checks = report.disks[1].checks.map { check in
            var check = check
            if check.family == .staleLabel { check.findingCodes.append("stale-label-at-end"); check.skippedBecause = nil }
            return check
        }
        let md = MarkdownReport.render(report)
        XCTAssertTrue(md.contains("  - regions: 26 values\n\n    <details><summary>regions (26 values)</summary>\n\n    ```text\n"), md)
        XCTAssertEqual(md.components(separatedBy: "\n    {offset: ").count - 1, 26, "one line per value")
        XCTAssertTrue(md.contains("    ```\n\n    </details>"), md)
        XCTAssertTrue(md.contains("  - short: `v`"), md)
        XCTAssertTrue(md.contains("a warning \\`x\\`"), md)
        let junit = JUnitReport.render(report)
        let testcase = try XCTUnwrap(junit.range(of: "name=\"disk 2001: stale-label\""))
        let rest = junit[testcase.upperBound...]
        let end = try XCTUnwrap(rest.range(of: "</testcase>"))
        let body = rest[..<end.lowerBound]
        XCTAssertTrue(body.contains("<system-out>[warning] stale-label-at-end: a warning `x`"), String(body))
        XCTAssertFalse(body.contains("<failure"), String(body))
    }
}
