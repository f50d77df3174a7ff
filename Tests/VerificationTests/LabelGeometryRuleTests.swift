import AuditCore
import DiskProbe
import SourceInventory
import Verification
import XCTest

final class LabelGeometryRuleTests: XCTestCase {
    let gib = ProbeValues.gib

    func testLabelOfAnotherDiskIsCriticalAndNamesIt() throws {
        let context = ProbeValues.context(ProbeValues.disk2000, ProbeValues.contaminated2000)
        let finding = try XCTUnwrap(LabelGeometryRule.findings(in: context).first)
        XCTAssertEqual(finding.code, "label-sized-for-other-disk")
        XCTAssertEqual(finding.severity, .critical)
        XCTAssertEqual(finding.evidence["alternateLBA"], .number(20_971_519))
        XCTAssertEqual(finding.evidence["impliedDiskBytes"], .number(10 * gib))
        XCTAssertEqual(finding.evidence["matchingDisks"], ["2001"])
        XCTAssertEqual(finding.evidence["primaryHeaderLBA"], .number(1))
        XCTAssertEqual(finding.evidence["primaryHeaderSHA256"], .string(String(repeating: "a", count: 64)))
        XCTAssertTrue(finding.message.contains("carries disk 2001's partition table"), finding.message)
        XCTAssertTrue(finding.message.contains("alternate LBA 20971519"), finding.message)
    }

    func testOwnLabelOnALargerVolumeIsFine() {
        // 10 GiB label on an 11 GiB volume for a 10 GiB disk: a correct copy, rounded up.
        let probe = ProbeValues.source2001(volumeBytes: 11 * gib)
        XCTAssertEqual(LabelGeometryRule.findings(in: ProbeValues.context(ProbeValues.disk2001, probe)), [])
    }

    func testSizeNoDiskHasIsStillCritical() throws {
        let probe = ProbeValues.gpt(volumeBytes: 115 * gib, labelBytes: 40 * gib, guid: "X", partitions: [])
        let finding = try XCTUnwrap(LabelGeometryRule.findings(in: ProbeValues.context(ProbeValues.disk2000, probe)).first)
        XCTAssertEqual(finding.evidence["matchingDisks"], [])
        XCTAssertTrue(finding.message.contains("No disk of the VM has that capacity"), finding.message)
    }

    func testASourceGrownAfterPartitioningIsAFaithfulCopyWhenItsOwnLabelSaysTheSame() throws {
        // Disk 2000 was grown to 115 GiB in vSphere; its GPT still says 100 GiB, on the source too.
        let volume = ProbeValues.gpt(volumeBytes: 115 * gib, labelBytes: 100 * gib, guid: "G", partitions: [])
        let source = ProbeValues.gpt(volumeBytes: 115 * gib, labelBytes: 100 * gib, guid: "G", partitions: [])
        let withSource = LabelGeometryRule.findings(in: ProbeValues.context(ProbeValues.disk2000, volume, reference: source))
        XCTAssertEqual(withSource.map(\.code), ["label-matches-source-label"])
        XCTAssertEqual(withSource.first?.severity, .info)
        // Without the source it stays critical, and the message says how to tell.
        let alone = try XCTUnwrap(LabelGeometryRule.findings(in: ProbeValues.context(ProbeValues.disk2000, volume)).first)
        XCTAssertEqual(alone.code, "label-sized-for-other-disk")
        XCTAssertEqual(alone.severity, .critical)
        XCTAssertTrue(alone.message.contains("--nbd-sources or a --baseline"), alone.message)
        // A source whose label says something else does not excuse the volume.
        let other = ProbeValues.gpt(volumeBytes: 115 * gib, labelBytes: 115 * gib, guid: "G", partitions: [])
        let mismatch = LabelGeometryRule.findings(in: ProbeValues.context(ProbeValues.disk2000, volume, reference: other))
        XCTAssertEqual(mismatch.map(\.code), ["label-sized-for-other-disk"])
    }

    func testTwoDisksOfThatSizeAreBothNamedAndNeitherIsChosen() throws {
        let twin = SourceDisk(key: "2002", label: "Hard disk 3", capacityBytes: 10 * gib)
        let inventory = Inventory(vm: ProbeValues.inventory.vm, disks: ProbeValues.inventory.disks + [twin])
        let context = ProbeValues.context(ProbeValues.disk2000, ProbeValues.contaminated2000, inventory: inventory)
        let finding = try XCTUnwrap(LabelGeometryRule.findings(in: context).first)
        XCTAssertEqual(finding.evidence["matchingDisks"], ["2001", "2002"])
        XCTAssertTrue(finding.message.contains("only identities from the sources or a baseline"), finding.message)
    }

    func testDOSLabelsRecordNoSizeSoTheRuleDoesNotApply() {
        let probe = ProbeValues.dos(volumeBytes: 50 * gib, signature: "0x08080808", partitions: [(1 << 20, 8 * gib - (1 << 20), nil)])
        let context = ProbeValues.context(ProbeValues.disk2000, probe)
        XCTAssertNotNil(LabelGeometryRule.skipReason(in: context))
        XCTAssertEqual(LabelGeometryRule.findings(in: context), [])
    }
}
