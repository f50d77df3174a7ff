import AuditCore
import BlockAccess
import DiskProbe
import Foundation
import TestSupport
import XCTest

/// The md / btrfs / LVM member parsers on headers made by the real tools (mkfs.btrfs,
/// pvcreate/vgcreate on loop devices; md superblocks accepted by `mdadm --examine`), checked
/// against what libblkid and the tools say; a flipped byte makes each one refuse.
final class MultiDeviceMemberTests: XCTestCase {
    nonisolated(unsafe) static var cases: FixtureDirectory?

    override class func setUp() {
        super.setUp()
        cases = try? FixtureDirectory.build("make-verify-multi.sh", ["all"])
    }

    override class func tearDown() {
        cases?.remove()
        super.tearDown()
    }

    func image(_ name: String) throws -> String {
        try XCTUnwrap(Self.cases, "Fixtures/make-verify-multi.sh failed").image(name)
    }

    /// blkid's values for a whole image.
    func blkid(_ path: String) throws -> [String: String] {
        let out = try Tools.run("blkid", ["-p", "-o", "export", path]).stdout
        var values: [String: String] = [:]
        for line in out.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { values[String(parts[0])] = String(parts[1]) }
        }
        return values
    }

    /// The first `count` bytes of a (sparse, large) image.
    func head(_ path: String, _ count: Int) throws -> [UInt8] {
        let handle = try XCTUnwrap(FileHandle(forReadingAtPath: path))
        defer { try? handle.close() }
        return [UInt8](try XCTUnwrap(handle.read(upToCount: count)))
    }

    func members(_ path: String) throws -> [MultiDeviceMember] {
        let handle = try XCTUnwrap(FileHandle(forReadingAtPath: path))
        defer { try? handle.close() }
        let size = try handle.seekToEnd()
        return MultiDeviceMembers.find(place: "whole disk", start: 0, length: size) { offset, count in
            guard (try? handle.seek(toOffset: offset)) != nil, let data = try? handle.read(upToCount: count) else { return nil }
            return [UInt8](data)
        }
    }

    func testMD12MemberAgreesWithBlkidAndMdadm() throws {
        let path = try image("md12-2003")
        let m = try XCTUnwrap(members(path).first)
        let blk = try blkid(path)
        XCTAssertEqual(m.format, "md")
        XCTAssertEqual(m.version, "1.2")
        XCTAssertEqual(m.memberID, blk["UUID_SUB"])
        XCTAssertEqual(m.setID, blk["UUID"])
        XCTAssertEqual(m.setName, "pg:md0")
        XCTAssertEqual(m.role, 1)
        XCTAssertEqual(m.deviceCount, 2)
        XCTAssertEqual(m.level, "raid1")
        XCTAssertEqual(m.headerOffset, 4096)
        XCTAssertTrue(m.claimMatches(3 << 29), "\(String(describing: m.claimedDeviceBytes))")
        let examine = try Tools.run("mdadm", ["--examine", path]).stdout
        XCTAssertTrue(examine.contains("Device Role : Active device 1"), examine)
    }

    func testMD10MemberAtTheEnd() throws {
        let m = try XCTUnwrap(members(try image("md10-2012")).first)
        XCTAssertEqual(m.version, "1.0")
        XCTAssertEqual(m.role, 0)
        XCTAssertEqual(m.headerOffset, (1 << 30) - 8192)
        XCTAssertTrue(m.claimMatches(1 << 30))
        XCTAssertFalse(m.claimMatches(2 << 30))
    }

    func testBtrfsDeviceAgreesWithBlkid() throws {
        for (name, bytes, devid) in [("btrfs-2004", UInt64(256 << 20), 1), ("btrfs-2005", UInt64(320 << 20), 2)] {
            let path = try image(name)
            let m = try XCTUnwrap(members(path).first { $0.format == "btrfs" }, name)
            let blk = try blkid(path)
            XCTAssertEqual(m.memberID, blk["UUID_SUB"])
            XCTAssertEqual(m.setID, blk["UUID"])
            XCTAssertEqual(m.setName, "pgdata")
            XCTAssertEqual(m.role, devid)
            XCTAssertEqual(m.deviceCount, 2)
            XCTAssertEqual(m.claimedDeviceBytes, bytes)
        }
    }

    func testZFSLabelAgreesWithBlkid() throws {
        let path = try image("zfs-2018")
        let m = try XCTUnwrap(members(path).first { $0.format == "zfs" })
        let blk = try blkid(path)
        XCTAssertEqual(m.memberID, blk["UUID_SUB"])
        XCTAssertEqual(m.setID, blk["UUID"])
        XCTAssertEqual(m.setName, "tank")
        XCTAssertEqual(m.role, 1)
        XCTAssertEqual(m.deviceCount, 2)
        XCTAssertNil(m.claimedDeviceBytes, "a mirror's asize is not one device's size")
        let single = try XCTUnwrap(members(try image("zfs-2019")).first { $0.format == "zfs" })
        XCTAssertTrue(single.claimMatches(768 << 20))
        XCTAssertFalse(single.claimMatches(1 << 30))
        var label = try head(image("zfs-2019"), 256 << 10)
        for i in 0..<4 { label[(128 << 10) + i * 1024] ^= 0xff }
        XCTAssertNil(MultiDeviceMembers.zfs(label, containerBytes: 768 << 20), "no uberblock, no member")
    }

    func testLVMPhysicalVolumeAndItsVolumeGroup() throws {
        let path = try image("lvm-2007")
        let m = try XCTUnwrap(members(path).first { $0.format == "lvm2" })
        XCTAssertEqual(m.memberID, try blkid(path)["UUID"]?.lowercased())
        XCTAssertEqual(m.memberKind, "LVM PV UUID")
        XCTAssertEqual(m.claimedDeviceBytes, 2 << 30)
        XCTAssertEqual(m.claimSlackBytes, 0)
        XCTAssertEqual(m.setName, "vgdata")
        XCTAssertEqual(m.deviceCount, 2)
        XCTAssertEqual(m.setID?.count, 38)
        let other = try XCTUnwrap(members(try image("lvm-2006")).first { $0.format == "lvm2" })
        XCTAssertEqual(other.setID, m.setID)
        XCTAssertNotEqual(other.memberID, m.memberID)
    }

    func testAFlippedByteMakesEveryParserRefuse() throws {
        var sb = try head(image("md12-2002"), 8192).suffix(4096).map { $0 }
        XCTAssertNotNil(MultiDeviceMembers.md(sb, at: 4096, containerBytes: 1 << 30))
        XCTAssertNil(MultiDeviceMembers.md(sb, at: 0, containerBytes: 1 << 30), "super_offset must match the place")
        sb[100] ^= 1
        XCTAssertNil(MultiDeviceMembers.md(sb, at: 4096, containerBytes: 1 << 30))

        let handle = try XCTUnwrap(FileHandle(forReadingAtPath: try image("btrfs-2004")))
        try handle.seek(toOffset: 0x10000)
        var bt = [UInt8](try XCTUnwrap(handle.read(upToCount: 4096)))
        try handle.close()
        XCTAssertNotNil(MultiDeviceMembers.btrfs(bt, containerBytes: 256 << 20))
        bt[300] ^= 1
        XCTAssertNil(MultiDeviceMembers.btrfs(bt, containerBytes: 256 << 20))

        var pv = try head(image("lvm-2006"), 2048)
        XCTAssertNotNil(MultiDeviceMembers.lvm(pv, containerBytes: 1 << 30) { _, _ in nil })
        pv[512 + 40] ^= 1
        XCTAssertNil(MultiDeviceMembers.lvm(pv, containerBytes: 1 << 30) { _, _ in nil })
    }

    func testTheProbeRecordsMembersAndAPVLargerThanItsVolume() throws {
        let faithful = try probe(try image("lvm-2006"))
        XCTAssertEqual(faithful.multiDeviceMembers?.first?.format, "lvm2")
        XCTAssertFalse(codes(faithful).contains("filesystem-larger-than-container"))
        let big = try probe(try image("lvm-2006-dup"))
        let finding = try XCTUnwrap(big.findings.first { $0.code == "filesystem-larger-than-container" })
        // A whole-disk header larger than the volume is a warning in the probe (it may be a
        // truncated image); verify makes it critical (MultiDeviceTests checks that).
        XCTAssertEqual(finding.severity, .warning)
        XCTAssertEqual(finding.evidence["claimedDeviceBytes"], .number(UInt64(2 << 30)))
        XCTAssertEqual(faithful.filesystem?.uuidSub, nil)
        XCTAssertEqual(try probe(try image("md12-2002")).filesystem?.uuidSub, "21000000-0000-4000-8000-000000002002")
    }

    /// Issue 21, item 6: 256-byte GPT entries are legal (UEFI) but Linux rejects them: info.
    func testGPTEntriesOf256BytesAreReadAndFlaggedAsRejectedByLinux() throws {
        let wide = try probe(try image("gpt-entries-256"))
        XCTAssertEqual(wide.partitionTable?.gpt?.entrySize, 256)
        XCTAssertEqual(wide.partitions.first?.uuid?.lowercased(), "21000000-0000-4000-8000-000000001256")
        let finding = try XCTUnwrap(wide.findings.first { $0.code == "gpt-entry-size-nonstandard" })
        XCTAssertEqual(finding.severity, .info)
        XCTAssertTrue(finding.message.contains("the Linux kernel only accepts 128-byte entries"), finding.message)
        XCTAssertFalse(codes(try probe(try image("gpt-entries-128"))).contains("gpt-entry-size-nonstandard"))
    }

    /// Hostile headers: every parser stays a total function, and nested nvlists that point
    /// back into themselves end quickly.
    func testHostileHeadersNeverCrashOrRunLong() throws {
        var label = [UInt8](repeating: 0, count: 256 << 10)
        label[128 << 10] = 0x0c; label[(128 << 10) + 1] = 0xb1; label[(128 << 10) + 2] = 0xba
        // An nvlist array of 1024 lists, each pair claiming a 16-byte size that its value overruns.
        var nv: [UInt8] = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]
        func be(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)] }
        for _ in 0..<2000 { nv += be(16) + be(16) + be(1) + Array("c".utf8) + [0, 0, 0] + be(20) + be(1024) }
        label.replaceSubrange((16 << 10)..<(16 << 10) + nv.count, with: nv)
        let start = Date()
        XCTAssertNil(MultiDeviceMembers.zfs(label, containerBytes: 1 << 30))
        var generator = SeededGenerator(seed: 21)
        for _ in 0..<200 {
            var bytes = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
            bytes.replaceSubrange(0..<4, with: [0xfc, 0x4e, 0x2b, 0xa9])
            _ = MultiDeviceMembers.md(bytes, at: 4096, containerBytes: 1 << 30)
            _ = MultiDeviceMembers.md090(bytes, at: 0, containerBytes: 1 << 30)
            _ = MultiDeviceMembers.btrfs(bytes, containerBytes: 1 << 30)
            _ = MultiDeviceMembers.lvm(Array(bytes.prefix(2048)), containerBytes: 1 << 30) { _, _ in bytes }
            _ = MultiDeviceMembers.md(Array(bytes.prefix(100)), at: 0, containerBytes: 0)
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
    }
}
