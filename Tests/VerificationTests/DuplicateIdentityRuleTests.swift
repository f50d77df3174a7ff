import AuditCore
import DiskProbe
import Verification
import XCTest

final class DuplicateIdentityRuleTests: XCTestCase {
    func context(_ disk: String, contamination: [Contamination], sameTarget: Bool = false) -> DiskContext {
        let mine = disk == "2000" ? ProbeValues.contaminated2000 : ProbeValues.source2001()
        var context = ProbeValues.context(disk == "2000" ? ProbeValues.disk2000 : ProbeValues.disk2001, mine)
        context.peers = [
            DiskContext.Peer(disk: ProbeValues.disk2000, probe: ProbeValues.contaminated2000, targetIdentity: "vol-a"),
            DiskContext.Peer(disk: ProbeValues.disk2001, probe: ProbeValues.source2001(),
                             targetIdentity: sameTarget ? "vol-a" : "vol-b"),
        ]
        context.targetIdentity = disk == "2000" || sameTarget ? "vol-a" : "vol-b"
        context.contamination = contamination
        return context
    }

    func testSharedIdentitiesOnTwoVolumesAreCriticalOnBothWhenNobodyIsAttributed() throws {
        for disk in ["2000", "2001"] {
            let findings = DuplicateIdentityRule.findings(in: context(disk, contamination: []))
            let finding = try XCTUnwrap(findings.first)
            XCTAssertEqual(finding.code, "duplicate-identity")
            XCTAssertEqual(finding.severity, .critical)
            XCTAssertTrue(finding.message.contains("disk GUID 2001bbbb-0000-4000-8000-000000002001"), finding.message)
        }
    }

    func testOnlyTheVolumeThatCarriesTheOtherDiskIsBlamed() {
        let entry = Contamination(disk: "2000", carries: "2001", evidence: ["implied-size"])
        XCTAssertEqual(DuplicateIdentityRule.findings(in: context("2000", contamination: [entry])).count, 1)
        XCTAssertEqual(DuplicateIdentityRule.findings(in: context("2001", contamination: [entry])), [])
    }

    func testOneExportMappedTwiceIsDuplicateTargetNotDuplicateIdentity() {
        XCTAssertEqual(DuplicateIdentityRule.findings(in: context("2001", contamination: [], sameTarget: true)), [])
    }

    func testDistinctDisksShareNothing() {
        var context = ProbeValues.context(ProbeValues.disk2001, ProbeValues.source2001())
        context.peers = [DiskContext.Peer(disk: ProbeValues.disk2000, probe: ProbeValues.source2000(), targetIdentity: "a")]
        context.targetIdentity = "b"
        XCTAssertEqual(DuplicateIdentityRule.findings(in: context), [])
    }
}
