import AuditCore
import DiskProbe
import Verification
import XCTest

final class StaleLabelRuleTests: XCTestCase {
    func testDifferentHeaderAtTheEndIsAWarning() throws {
        let findings = StaleLabelRule.findings(in: ProbeValues.context(ProbeValues.disk2000, ProbeValues.contaminated2000))
        let finding = try XCTUnwrap(findings.first)
        XCTAssertEqual(findings.count, 1)
        XCTAssertEqual(finding.code, "stale-label-at-end")
        XCTAssertEqual(finding.severity, .warning)
        XCTAssertEqual(finding.evidence["endHeaderDiskGUID"], "2000AAAA-0000-4000-8000-000000002000")
        XCTAssertEqual(finding.evidence["endHeaderLBA"], .number(241_172_479))
    }

    func testTheProbesOwnFindingIsAdoptedNotRepeated() {
        var probe = ProbeValues.contaminated2000
        let reported = Finding(code: "stale-label-at-end", severity: .warning, message: "from the probe")
        probe.findings = [reported]
        XCTAssertEqual(StaleLabelRule.findings(in: ProbeValues.context(ProbeValues.disk2000, probe)), [reported])
    }

    func testTheLabelsOwnBackupAtTheEndIsNotStale() {
        XCTAssertEqual(StaleLabelRule.findings(in: ProbeValues.context(ProbeValues.disk2001, ProbeValues.source2001())), [])
    }
}
