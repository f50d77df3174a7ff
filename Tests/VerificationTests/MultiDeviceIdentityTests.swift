import AuditCore
import DiskProbe
import SourceInventory
import Verification
import XCTest

/// Pure logic of issue 21 / issue 10 item 3 on in-memory probes: shared set identities are
/// never duplicates, member identities are, and identities the sources share are not.
final class MultiDeviceIdentityTests: XCTestCase {
    static let a = SourceDisk(key: "2002", label: "Hard disk 1", capacityBytes: 1 << 30)
    static let b = SourceDisk(key: "2003", label: "Hard disk 2", capacityBytes: 1 << 30)

    /// A whole-disk md member as libblkid and the md parser give it.
    static func member(_ device: String, role: Int, target: String) -> ProbeResult {
        var probe = ProbeResult(target: target, sizeBytes: 1 << 30, sectorSize: 512,
                                filesystem: FilesystemSignature(type: "linux_raid_member", uuid: "aaaa0000-0000-4000-8000-000000000001",
                                                                label: "pg:md0", usage: "raid", version: "1.2", uuidSub: device))
        probe.multiDeviceMembers = [MultiDeviceMember(
            place: "whole disk", format: "md", version: "1.2", memberID: device, memberKind: "md device UUID",
            setID: "aaaa0000-0000-4000-8000-000000000001", setKind: "md array UUID", setName: "pg:md0", role: role,
            deviceCount: 2, level: "raid1", headerOffset: 4096, containerBytes: 1 << 30,
            claimedDeviceBytes: 1 << 30, claimSlackBytes: 4096, claimField: "md 1.2 data_offset + data_size")]
        return probe
    }

    func context(_ mine: ProbeResult, _ theirs: ProbeResult, references: (ProbeResult, ProbeResult)? = nil) -> DiskContext {
        var context = DiskContext(inventory: Inventory(vm: VMIdentity(name: "vm", format: "manifest"), disks: [Self.a, Self.b]),
                                  disk: Self.a, probe: mine, reference: references?.0)
        context.peers = [DiskContext.Peer(disk: Self.a, probe: mine, targetIdentity: "x", reference: references?.0),
                         DiskContext.Peer(disk: Self.b, probe: theirs, targetIdentity: "y", reference: references?.1)]
        context.targetIdentity = "x"
        return context
    }

    func testTheArrayUUIDIsNotAnIdentityButTheDeviceUUIDIs() {
        let identity = DiskIdentity(Self.member("d1", role: 0, target: "x"))
        XCTAssertEqual(identity.values.map(\.kind), ["md device UUID"])
        XCTAssertEqual(identity.sharedSetPlaces, ["whole disk"])
        XCTAssertEqual(identity.uuidKinds["whole disk"], "md array UUID")
    }

    func testHealthyMembersShareOnlyTheArray() {
        let findings = DuplicateIdentityRule.findings(in: context(Self.member("d1", role: 0, target: "x"),
                                                                  Self.member("d2", role: 1, target: "y")))
        XCTAssertEqual(findings.map(\.code), ["multi-device-set"])
        XCTAssertEqual(findings.first?.severity, .info)
    }

    func testADuplicatedMemberNamesTheMissingRole() throws {
        let findings = DuplicateIdentityRule.findings(in: context(Self.member("d1", role: 0, target: "x"),
                                                                  Self.member("d1", role: 0, target: "y")))
        let dup = try XCTUnwrap(findings.first { $0.code == "duplicate-member" })
        XCTAssertEqual(dup.severity, .critical)
        XCTAssertTrue(dup.message.contains("md device UUID d1 (role 0) of md array aaaa0000-0000-4000-8000-000000000001 \"pg:md0\""), dup.message)
        XCTAssertTrue(dup.message.contains("Role 1 is on no volume: the mirror is broken"), dup.message)
        XCTAssertEqual(dup.evidence["missingRoles"], .array([.number(UInt64(1))]))
        XCTAssertFalse(findings.contains { $0.code == "multi-device-member-missing" }, "the duplicate already says it")
    }

    func testALoneMemberIsMissingItsPartner() throws {
        var context = context(Self.member("d1", role: 0, target: "x"), ProbeResult(target: "y", sizeBytes: 1 << 30, sectorSize: 512))
        context.peers.removeLast()
        let missing = try XCTUnwrap(DuplicateIdentityRule.findings(in: context).first { $0.code == "multi-device-member-missing" })
        XCTAssertEqual(missing.severity, .warning)
        XCTAssertTrue(missing.message.contains("role 1 is on none of this VM's volumes"), missing.message)
    }

    func testIdentitiesTheSourcesShareAreNotDuplicates() {
        let clone = ProbeValues.source2001(target: "t1")
        let twin = ProbeValues.source2001(target: "t2")
        let blind = DuplicateIdentityRule.findings(in: context(clone, twin))
        XCTAssertEqual(blind.map(\.code), ["duplicate-identity"])
        XCTAssertTrue(blind[0].message.contains("If the two source disks are clones"), blind[0].message)
        XCTAssertEqual(DuplicateIdentityRule.findings(in: context(clone, twin, references: (clone, twin))), [])
        // Only one source has it: the copy of the other disk is still a duplicate.
        let other = ProbeValues.source2000(target: "s2")
        XCTAssertEqual(DuplicateIdentityRule.findings(in: context(clone, twin, references: (clone, other))).map(\.code),
                       ["duplicate-identity"])
    }
}
