import AuditCore
import DiskProbe
import SourceInventory
import Verification
import XCTest

final class LayoutIdentityRuleTests: XCTestCase {
    let gib = ProbeValues.gib

    func testAFaithfulCopyMatchesItsSourceEvenOnALargerVolume() {
        let context = ProbeValues.context(ProbeValues.disk2001, ProbeValues.source2001(volumeBytes: 11 * gib),
                                          reference: ProbeValues.source2001())
        XCTAssertEqual(LayoutIdentityRule.findings(in: context), [])
    }

    func testAnotherDisksLabelMismatchesLayoutAndIdentities() throws {
        let context = ProbeValues.context(ProbeValues.disk2000, ProbeValues.contaminated2000, reference: ProbeValues.source2000())
        let findings = LayoutIdentityRule.findings(in: context)
        XCTAssertEqual(findings.map(\.code), ["layout-mismatch", "identity-mismatch"])
        XCTAssertTrue(findings.allSatisfy { $0.severity == .critical })
        let identity = try XCTUnwrap(findings.last)
        XCTAssertEqual(identity.evidence["expectedDiskGUID"], "2000aaaa-0000-4000-8000-000000002000")
        XCTAssertEqual(identity.evidence["foundDiskGUID"], "2001bbbb-0000-4000-8000-000000002001")
        XCTAssertTrue(findings[0].message.contains("partition 3"), findings[0].message)
    }

    func testSameLayoutWithOtherGUIDsIsAnIdentityMismatchOnly() {
        var swapped = ProbeValues.source2001()
        swapped.partitionTable?.diskId = "4000AAAA-0000-4000-8000-000000002000"
        let context = ProbeValues.context(ProbeValues.disk2001, swapped, reference: ProbeValues.source2001())
        XCTAssertEqual(LayoutIdentityRule.findings(in: context).map(\.code), ["identity-mismatch"])
    }

    func testDOSSignatureIsComparedToo() {
        let source = ProbeValues.dos(volumeBytes: 8 * gib, signature: "0x08080808", partitions: [(1 << 20, 8 * gib - (1 << 20), "u1")])
        let found = ProbeValues.dos(volumeBytes: 8 * gib, signature: "0x50505050", partitions: [(1 << 20, 8 * gib - (1 << 20), "u1")])
        let findings = LayoutIdentityRule.findings(in: ProbeValues.context(ProbeValues.disk2001, found, reference: source))
        XCTAssertEqual(findings.map(\.code), ["identity-mismatch"])
        XCTAssertEqual(findings.first?.evidence["expectedMBRSignature"], "0x08080808")
    }

    func testWithoutAReferenceItUsesTheManifestsExpectedLayout() {
        var disk = ProbeValues.disk2001
        disk.expectedLayout = ExpectedLayout(type: "gpt", partitions: [ExpectedPartition(number: 1, startBytes: 1 << 20, sizeBytes: 9 * gib)])
        let findings = LayoutIdentityRule.findings(in: ProbeValues.context(disk, ProbeValues.source2001()))
        XCTAssertEqual(findings.map(\.code), ["layout-mismatch"])
    }

    func testWithNothingToCompareItIsSkipped() {
        XCTAssertNotNil(LayoutIdentityRule.skipReason(in: ProbeValues.context(ProbeValues.disk2001, ProbeValues.source2001())))
    }
}
