import AuditCore
import DiskProbe
import SourceInventory
import Verification
import XCTest

/// The data-presence rule's decisions on probe values (the volumes themselves are tested
/// end to end in EndToEndTests.DataPresenceTests).
final class DataPresenceRuleTests: XCTestCase {
    let gib = ProbeValues.gib

    func blank(_ bytes: UInt64, proven: Bool = true) -> ProbeResult {
        var probe = ProbeResult(target: "blank", sizeBytes: bytes, sectorSize: 512)
        probe.dataExtent = DataExtent(method: proven ? "block-status" : "sampled-reads", holdsData: false, blankProven: proven,
                                      dataEndBytes: 0, allocatedBytes: proven ? 0 : nil, blocksRead: proven ? 0 : 130,
                                      nonZeroBlocks: 0)
        return probe
    }

    func testABlankVolumeOfAnInventoryDiskIsCritical() throws {
        let context = ProbeValues.context(ProbeValues.disk2001, blank(10 * gib))
        let finding = try XCTUnwrap(DataPresenceRule.findings(in: context).first)
        XCTAssertEqual(finding.code, FindingCode.volumeBlank)
        XCTAssertEqual(finding.severity, .critical)
        XCTAssertTrue(finding.message.contains("disk 2001"), finding.message)
    }

    func testABlankVolumeWhoseSourceIsBlankToo() throws {
        let context = ProbeValues.context(ProbeValues.disk2001, blank(10 * gib), reference: blank(10 * gib, proven: false))
        let finding = try XCTUnwrap(DataPresenceRule.findings(in: context).first)
        XCTAssertEqual(finding.severity, .info)
        XCTAssertEqual(finding.evidence["sourceBlank"], true)
    }

    func testABlankVolumeWhoseSourceHoldsALabelIsCritical() throws {
        let context = ProbeValues.context(ProbeValues.disk2001, blank(10 * gib), reference: ProbeValues.source2001())
        XCTAssertEqual(DataPresenceRule.findings(in: context).first?.severity, .critical)
    }

    func testNotMeasuredIsSkippedNotPassedSilently() {
        let context = ProbeValues.context(ProbeValues.disk2001, ProbeValues.source2001())
        XCTAssertNotNil(DataPresenceRule.skipReason(in: context))
    }

    func testPartitionsThatHoldDataOnTheSourceAndNothingOnTheVolume() throws {
        var source = ProbeValues.source2001()
        source.dataExtent = DataExtent(method: "block-status", holdsData: true, blankProven: false, dataEndBytes: 10 * gib,
                                       allocatedBytes: gib, blocksRead: 9, nonZeroBlocks: 9,
                                       partitions: [.init(number: 1, holdsData: true, dataEndBytes: 8 * gib),
                                                    .init(number: 2, holdsData: true, dataEndBytes: 10 * gib)])
        var volume = ProbeValues.source2001()
        // Partition 2 (no filesystem signature on the source either: swap-like raw data) is empty here.
        volume.dataExtent = DataExtent(method: "block-status", holdsData: true, blankProven: false, dataEndBytes: 10 * gib,
                                       allocatedBytes: gib, blocksRead: 9, nonZeroBlocks: 5,
                                       partitions: [.init(number: 1, holdsData: true, dataEndBytes: 8 * gib),
                                                    .init(number: 2, holdsData: false, dataEndBytes: 0)])
        XCTAssertEqual(DataPresenceRule.findings(in: ProbeValues.context(ProbeValues.disk2001, volume)), [],
                       "without the source an empty partition before the data end is no proof")
        let finding = try XCTUnwrap(DataPresenceRule.findings(in: ProbeValues.context(ProbeValues.disk2001, volume, reference: source)).first)
        XCTAssertEqual(finding.code, FindingCode.copyIncomplete)
        XCTAssertEqual(finding.severity, .critical)
        XCTAssertEqual(finding.evidence["emptyHereButNotOnSource"], .array([2]))
    }

    func testAFaithfulCopyHasNoFinding() {
        var volume = ProbeValues.source2001()
        volume.dataExtent = DataExtent(method: "block-status", holdsData: true, blankProven: false, dataEndBytes: 10 * gib,
                                       allocatedBytes: 1 << 20, blocksRead: 4, nonZeroBlocks: 4,
                                       partitions: [.init(number: 1, holdsData: true, dataEndBytes: 8 * gib),
                                                    .init(number: 2, holdsData: true, dataEndBytes: 10 * gib)])
        XCTAssertEqual(DataPresenceRule.findings(in: ProbeValues.context(ProbeValues.disk2001, volume, reference: volume)), [])
    }
}
