import AuditCore
import Verification
import XCTest

final class SizeRuleTests: XCTestCase {
    let gib = ProbeValues.gib

    func testSmallerVolumeIsCriticalWithTheMissingBytes() throws {
        let probe = ProbeValues.source2001(volumeBytes: 6 * gib)
        let findings = SizeRule.findings(in: ProbeValues.context(ProbeValues.disk2001, probe))
        let finding = try XCTUnwrap(findings.first)
        XCTAssertEqual(findings.count, 1)
        XCTAssertEqual(finding.code, "target-smaller-than-source")
        XCTAssertEqual(finding.severity, .critical)
        XCTAssertEqual(finding.evidence["missingBytes"], .number(4 * gib))
        XCTAssertTrue(finding.message.contains("6 GiB"), finding.message)
    }

    func testLargerVolumeIsInfoSayingHowMuchWasRounded() throws {
        let probe = ProbeValues.source2001(volumeBytes: 11 * gib)
        let finding = try XCTUnwrap(SizeRule.findings(in: ProbeValues.context(ProbeValues.disk2001, probe)).first)
        XCTAssertEqual(finding.code, "target-larger-than-source")
        XCTAssertEqual(finding.severity, .info)
        XCTAssertEqual(finding.evidence["roundedUpBytes"], .number(gib))
        XCTAssertTrue(finding.message.contains("1 GiB"), finding.message)
    }

    func testEqualSizeSaysNothing() {
        XCTAssertEqual(SizeRule.findings(in: ProbeValues.context(ProbeValues.disk2001, ProbeValues.source2001())), [])
    }
}
