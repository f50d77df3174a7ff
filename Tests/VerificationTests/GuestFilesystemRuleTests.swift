import AuditCore
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

    func testAMissingGuestFilesystemIsAWarning() throws {
        // The guest's 113 GiB root on disk 2000, whose volume carries disk 2001's layout.
        let fs = GuestFilesystem(path: "/", capacityBytes: 110 * gib, type: "ext4", diskKeys: ["2000"])
        let context = ProbeValues.context(ProbeValues.disk2000, ProbeValues.contaminated2000, inventory: inventory([fs]))
        let finding = try XCTUnwrap(GuestFilesystemRule.findings(in: context).first)
        XCTAssertEqual(finding.code, "guest-filesystem-missing")
        XCTAssertEqual(finding.severity, .warning)
        XCTAssertEqual(finding.evidence["path"], "/")
    }

    func testFilesystemsSpanningSeveralDisksAreNotChecked() {
        let fs = GuestFilesystem(path: "/data", capacityBytes: 120 * gib, type: "xfs", diskKeys: ["2000", "2001"])
        let context = ProbeValues.context(ProbeValues.disk2000, ProbeValues.contaminated2000, inventory: inventory([fs]))
        XCTAssertNotNil(GuestFilesystemRule.skipReason(in: context))
    }
}
