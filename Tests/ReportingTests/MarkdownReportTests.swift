import Reporting
import Verification
import XCTest

final class MarkdownReportTests: XCTestCase {
    func testTicketReadyReportHasVerdictContaminationAndEveryFinding() {
        let report = SampleReports.incident()
        let md = MarkdownReport.render(report)
        XCTAssertTrue(md.hasPrefix("# replica-audit verify: pgtest1 — FAIL\n"))
        XCTAssertTrue(md.contains("## Contamination\n\n- The volume of disk 2000 (Hard disk 1, 115 GiB) carries the partition table of disk 2001"))
        XCTAssertTrue(md.contains("| 2000 | Hard disk 1 | `nbd+unix:///vol-101328f1?socket=/run/a.sock` | 115 GiB (123480309760 B) |"))
        XCTAssertTrue(md.contains("**FAIL** | `label-sized-for-other-disk` |"))
        for finding in report.disks.flatMap(\.findings) {
            XCTAssertTrue(md.contains("`\(finding.code)`: \(finding.message)"), finding.code)
        }
        XCTAssertTrue(md.contains("  - alternateLBA: `20971519`"))
    }

    func testPipesInCellsAreEscaped() {
        XCTAssertTrue(MarkdownReport.render(SampleReports.incident(vmName: "a|b")).contains("| VM | a\\|b (vm-1043) |"))
    }
}
