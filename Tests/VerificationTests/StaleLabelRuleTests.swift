import AuditCore
import DiskProbe
import Verification
import XCTest

final class StaleLabelRuleTests: XCTestCase {
    /// A probe result built without the probe's rules gets the probe's own computation.
    func testDifferentHeaderAtTheEndIsAWarning() throws {
        let findings = StaleLabelRule.findings(in: ProbeValues.context(ProbeValues.disk2000, ProbeValues.contaminated2000))
        let finding = try XCTUnwrap(findings.first)
        XCTAssertEqual(findings.count, 1)
        XCTAssertEqual(finding.code, "stale-label-at-end")
        XCTAssertEqual(finding.severity, .warning)
        XCTAssertEqual(finding.evidence["endDiskGUID"], "2000AAAA-0000-4000-8000-000000002000")
        XCTAssertEqual(finding.evidence["sameDiskGUID"], .bool(false))
        guard case .object(let end)? = finding.evidence["endHeader"] else { return XCTFail("no endHeader evidence") }
        XCTAssertEqual(end["lba"], .number(241_172_479))
    }

    /// Without a primary label, a valid header at the last LBA is still reported, with the
    /// evidence keys verify has always used for that case.
    func testHeaderAtTheEndWithoutAPrimaryIsAWarning() throws {
        var probe = ProbeValues.contaminated2000
        probe.witnesses.primaryGPT = nil
        let finding = try XCTUnwrap(StaleLabelRule.findings(in: ProbeValues.context(ProbeValues.disk2000, probe)).first)
        XCTAssertEqual(finding.evidence["endHeaderDiskGUID"], "2000AAAA-0000-4000-8000-000000002000")
        XCTAssertEqual(finding.evidence["endHeaderLBA"], .number(241_172_479))
        XCTAssertEqual(finding.evidence["primaryDiskGUID"], .null)
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
