import AuditCore
import DiskProbe
import SourceInventory
import Verification
import XCTest

final class GuestFilesystemRuleTests: XCTestCase {
    let gib = ProbeValues.gib

    func inventory(_ filesystems: [GuestFilesystem]) -> Inventory {
        Inventory(vm: ProbeValues.inventory.vm, disks: ProbeValues.inventory.disks, guestFilesystems: filesystems)
    }

    func testAGuestFilesystemOfAboutThePartitionsSizeIsFound() {
        let fs = GuestFilesystem(path: "/var/lib/postgresql", capacityBytes: 8_383_733_760, type: "ext4", diskKeys: ["2001"])
        let context = ProbeValues.context(ProbeValues.disk2001, ProbeValues.source2001(), inventory: inventory([fs]))
        XCTAssertEqual(GuestFilesystemRule.findings(in: context), [])
    }

    // Issue 9.3: a guest filesystem the inventory places on the disk and that is absent fails
    // the disk (it was a warning before).
    func testAMissingGuestFilesystemFailsTheDisk() throws {
        // The guest's 113 GiB root on disk 2000, whose volume carries disk 2001's layout.
        let fs = GuestFilesystem(path: "/", capacityBytes: 110 * gib, type: "ext4", diskKeys: ["2000"])
        let context = ProbeValues.context(ProbeValues.disk2000, ProbeValues.contaminated2000, inventory: inventory([fs]))
        let finding = try XCTUnwrap(GuestFilesystemRule.findings(in: context).first)
        XCTAssertEqual(finding.code, "guest-filesystem-missing")
        XCTAssertEqual(finding.severity, .error)
        XCTAssertTrue(finding.severity.fails)
        XCTAssertEqual(finding.evidence["path"], "/")
        XCTAssertEqual(finding.evidence["foundOnDisks"], .array([]))
    }

    func testAGuestFilesystemFoundOnAnotherDisksVolumeIsASwapAndCritical() throws {
        // The volumes of 2000 and 2001 swapped: 2000's 113 GiB root is on the volume mapped to 2001.
        let fs = GuestFilesystem(path: "/", capacityBytes: 110 * gib, type: "ext4", diskKeys: ["2000"])
        var context = ProbeValues.context(ProbeValues.disk2000, ProbeValues.source2001(), inventory: inventory([fs]))
        context.peers = [DiskContext.Peer(disk: ProbeValues.disk2001, probe: ProbeValues.source2000(), targetIdentity: "b"),
                         DiskContext.Peer(disk: ProbeValues.disk2000, probe: ProbeValues.source2001(), targetIdentity: "a")]
        let finding = try XCTUnwrap(GuestFilesystemRule.findings(in: context).first)
        XCTAssertEqual(finding.severity, .critical)
        XCTAssertEqual(finding.evidence["foundOnDisks"], .array(["2001"]))
        XCTAssertTrue(finding.message.contains("swapped"), finding.message)
    }

    func testAPartitionOfTheRightSizeThatHoldsNothingDoesNotCountAsTheFilesystem() throws {
        // Disk 2001's 8 GiB data partition is there, but the copy never reached it.
        let fs = GuestFilesystem(path: "/var/lib/postgresql", capacityBytes: 8_383_733_760, type: "ext4", diskKeys: ["2001"])
        var probe = ProbeValues.source2001()
        probe.partitions[0].filesystem = nil
        probe.dataExtent = DataExtent(method: "block-status", holdsData: true, blankProven: false, dataEndBytes: 1 << 20,
                                      allocatedBytes: 1 << 20, blocksRead: 3, nonZeroBlocks: 1,
                                      partitions: [.init(number: 1, holdsData: false, dataEndBytes: 0),
                                                   .init(number: 2, holdsData: false, dataEndBytes: 0)])
        let context = ProbeValues.context(ProbeValues.disk2001, probe, inventory: inventory([fs]))
        let finding = try XCTUnwrap(GuestFilesystemRule.findings(in: context).first)
        XCTAssertEqual(finding.severity, .error)
        XCTAssertEqual(finding.evidence["path"], "/var/lib/postgresql")
    }

    func testFilesystemsSpanningSeveralDisksAreNotChecked() {
        let fs = GuestFilesystem(path: "/data", capacityBytes: 120 * gib, type: "xfs", diskKeys: ["2000", "2001"])
        let context = ProbeValues.context(ProbeValues.disk2000, ProbeValues.contaminated2000, inventory: inventory([fs]))
        XCTAssertNotNil(GuestFilesystemRule.skipReason(in: context))
    }

    /// The guest's type and libblkid's are matched by family: ext2/3/4 together, FAT32 and
    /// vfat, NTFS mounted through FUSE ("fuseblk" says nothing), a LUKS container anything.
    func testTypesAreMatchedByFamily() {
        for (guest, found) in [("ext4", "ext3"), ("FAT32", "vfat"), ("fuseblk", "ntfs"), ("xfs", "crypto_LUKS"), ("NTFS", "ntfs"),
                               (nil, "xfs")] as [(String?, String)] {
            let fs = GuestFilesystem(path: "/srv", capacityBytes: 8_383_733_760, type: guest, diskKeys: ["2001"])
            var probe = ProbeValues.source2001()
            probe.partitions[0].filesystem?.type = found
            let context = ProbeValues.context(ProbeValues.disk2001, probe, inventory: inventory([fs]))
            XCTAssertEqual(GuestFilesystemRule.findings(in: context), [], "\(guest ?? "nil") on \(found)")
        }
    }

    /// A partition of the right size holding another kind of filesystem is not the guest's:
    /// named in the finding, and where another disk's volume has the right kind, the volumes
    /// look swapped (equal-size disks, which sizes alone cannot tell apart).
    func testAPartitionOfTheSizeHoldingAnotherFilesystemIsNotTheGuests() throws {
        let fs = GuestFilesystem(path: "/srv", capacityBytes: 8_383_733_760, type: "xfs", diskKeys: ["2001"])
        let here = ProbeValues.source2001()
        var context = ProbeValues.context(ProbeValues.disk2001, here, inventory: inventory([fs]))
        let finding = try XCTUnwrap(GuestFilesystemRule.findings(in: context).first)
        XCTAssertEqual(finding.severity, .error)
        XCTAssertEqual(finding.evidence["otherTypesOfThatSize"], .array(["ext4"]))
        XCTAssertTrue(finding.message.contains("holds ext4, not the xfs the guest reported"), finding.message)

        var other = ProbeValues.source2001()
        other.partitions[0].filesystem?.type = "xfs"
        context.peers = [DiskContext.Peer(disk: ProbeValues.disk2000, probe: other, targetIdentity: "a"),
                         DiskContext.Peer(disk: ProbeValues.disk2001, probe: here, targetIdentity: "b")]
        let swapped = try XCTUnwrap(GuestFilesystemRule.findings(in: context).first)
        XCTAssertEqual(swapped.severity, .critical)
        XCTAssertEqual(swapped.evidence["foundOnDisks"], .array(["2000"]))
    }
}
