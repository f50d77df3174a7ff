import AuditCore
import Verification
import XCTest

final class PartitionBoundsRuleTests: XCTestCase {
    let gib = ProbeValues.gib

    func testPartitionPastTheSourceCapacityIsAnError() throws {
        // Disk 2000's layout (115 GiB) on the volume of the 10 GiB disk 2001.
        let findings = PartitionBoundsRule.findings(in: ProbeValues.context(ProbeValues.disk2001, ProbeValues.source2000()))
        XCTAssertEqual(findings.count, 1)
        let finding = try XCTUnwrap(findings.first)
        XCTAssertEqual(finding.code, "partition-beyond-source")
        XCTAssertEqual(finding.severity, .error)
        XCTAssertEqual(finding.evidence["partition"], .number(3))
        XCTAssertEqual(finding.evidence["sourceCapacityBytes"], .number(10 * gib))
    }

    func testPartitionsInsideTheCapacityAreFine() {
        XCTAssertEqual(PartitionBoundsRule.findings(in: ProbeValues.context(ProbeValues.disk2001, ProbeValues.source2001())), [])
    }
}
