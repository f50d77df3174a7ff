import AuditCore
import DiskProbe
import Foundation
import TestSupport
import XCTest

/// Issue 21, the rest: Windows dynamic disks (LDM) and DDF / Intel IMSM RAID members, parsed
/// from images whose metadata Fixtures/ldmdb.py, ddfmeta.py and imsmmpb.py wrote and
/// `ldmtool` / `mdadm --examine` accepted (Fixtures/make-verify-multi.sh checks that); here
/// the parsers must agree with those tools and with libblkid, and refuse a flipped byte.
extension MultiDeviceMemberTests {
    /// `ldmtool -d A -d B show disk GROUP NAME` as a dictionary.
    private func ldmtoolDisk(_ group: String, _ name: String, _ images: [String]) throws -> [String: Any] {
        let out = try Tools.run("ldmtool", images.flatMap { ["-d", $0] } + ["show", "disk", group, name]).stdout
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any], out)
    }

    func testLDMMembersAgreeWithLdmtool() throws {
        let group = "21000000-0000-4000-8000-0000000000c0"
        let images = [try image("ldm-2030"), try image("ldm-2031")]
        for (n, (path, bytes)) in zip(images, [UInt64(1 << 30), UInt64(3 << 29)]).enumerated() {
            let m = try XCTUnwrap(members(path).first { $0.format == "ldm" }, path)
            let tool = try ldmtoolDisk(group, "Disk\(n + 1)", images)
            XCTAssertEqual(m.memberID, (tool["guid"] as? String)?.lowercased())
            XCTAssertEqual(m.memberKind, "LDM disk GUID")
            XCTAssertEqual(m.setID, group)
            XCTAssertEqual(m.setName, "WIN-DG0")
            XCTAssertEqual(m.deviceCount, 2)
            XCTAssertEqual(m.version, "2.12")
            XCTAssertEqual(m.headerOffset, 6 * 512)
            // The database is the disk's last 1 MiB: its end is the disk's size.
            let metaStart = try XCTUnwrap(tool["metadata-start"] as? Int), metaSize = try XCTUnwrap(tool["metadata-size"] as? Int)
            XCTAssertEqual(m.claimedDeviceBytes, UInt64(metaStart + metaSize) * 512)
            XCTAssertTrue(m.claimMatches(bytes))
            XCTAssertFalse(m.claimMatches(bytes == 1 << 30 ? 3 << 29 : 1 << 30))
        }
        XCTAssertNil(try members(images[0]).first?.staleMemberID, "the database's PRIVHEAD copies name the disk itself")
        // 2035's front written over by 2034's: sector 6 names 2034, the database at the end 2035.
        let front = try XCTUnwrap(members(try image("ldm-2035-front")).first { $0.format == "ldm" })
        XCTAssertEqual(front.memberID, "21000000-0000-4000-8000-000000002034")
        XCTAssertEqual(front.staleMemberID, "21000000-0000-4000-8000-000000002035")
        // libblkid has no LDM prober: it sees only the DOS label with its 0x42 partition.
        let blk = try blkid(images[0])
        XCTAssertEqual(blk["PTTYPE"], "dos")
        XCTAssertNil(blk["TYPE"])
    }

    func testGPTDynamicDiskIsFoundInItsMetadataPartition() throws {
        let result = try probe(try image("ldm-gpt-2033"))
        let m = try XCTUnwrap(result.multiDeviceMembers?.first { $0.format == "ldm" })
        XCTAssertEqual(m.memberID, "21000000-0000-4000-8000-00000000d033")
        XCTAssertEqual(m.setName, "WIN-DG1")
        XCTAssertEqual(m.place, "whole disk")
        // The PRIVHEAD is the last sector of partition 1 (LBA 2048–4095).
        XCTAssertEqual(m.headerOffset, 4095 * 512)
        XCTAssertTrue(m.claimMatches(1 << 30), "\(String(describing: m.claimedDeviceBytes))")
        XCTAssertFalse(codes(result).contains("filesystem-larger-than-container"))
        // `inspect` shows it: libblkid reports only the GPT.
        let text = ProbeTextView.render(result)
        XCTAssertTrue(text.contains("Multi-device members (parsed by the probe):\n  whole disk: LDM disk GUID "
                                    + "21000000-0000-4000-8000-00000000d033 of Windows dynamic disk group "
                                    + "21000000-0000-4000-8000-0000000000c1 \"WIN-DG1\", written for a device of 1073741824 bytes"), text)
    }

    func testAnLDMPrivheadForALargerDiskIsLargerThanItsContainer() throws {
        let result = try probe(try image("ldm-2030-dup"))
        let m = try XCTUnwrap(result.multiDeviceMembers?.first { $0.format == "ldm" })
        XCTAssertEqual(m.memberID, "21000000-0000-4000-8000-000000002031")
        let finding = try XCTUnwrap(result.findings.first { $0.code == "filesystem-larger-than-container" })
        XCTAssertEqual(finding.evidence["claimedDeviceBytes"], .number(UInt64(3 << 29)))
        XCTAssertTrue(finding.message.contains("Windows dynamic disk group member header"), finding.message)
    }

    func testDDFAndIMSMMembersAgreeWithMdadmAndBlkid() throws {
        for (n, name) in ["ddf-2042", "ddf-2043"].enumerated() {
            let path = try image(name)
            let m = try XCTUnwrap(members(path).first { $0.format == "ddf" }, name)
            XCTAssertEqual(m.memberID, "21000000-ddf0-pd0000204\(n + 2)")
            XCTAssertEqual(m.memberKind, "DDF PD GUID")
            XCTAssertEqual(m.role, n)
            XCTAssertEqual(m.deviceCount, 2)
            XCTAssertEqual(m.version, "01.02.00")
            let blk = try blkid(path)
            XCTAssertEqual(blk["TYPE"], "ddf_raid_member")
            XCTAssertEqual(m.setID, blk["UUID"]?.lowercased(), "the container GUID is libblkid's UUID")
        }
        for (n, (name, serial)) in [("imsm-2044", "VMW2044SERIAL"), ("imsm-2045", "VMW2045SERIAL")].enumerated() {
            let path = try image(name)
            let m = try XCTUnwrap(members(path).first { $0.format == "imsm" }, name)
            XCTAssertEqual(m.memberID, serial)
            XCTAssertEqual(m.setID, "21002044")
            XCTAssertEqual(m.role, n)
            XCTAssertEqual(m.deviceCount, 2)
            XCTAssertEqual(try blkid(path)["TYPE"], "isw_raid_member")
        }
        // A volume of 2044's size holding 2044's MPB is 2044's member, whatever disk it was meant for.
        XCTAssertEqual(try members(try image("imsm-2045-dup")).first { $0.format == "imsm" }?.memberID, "VMW2044SERIAL")
    }

    /// The bytes at the end of an image, as `fetch` gives them to the end-anchored parsers.
    private func reader(_ path: String) throws -> (length: UInt64, bytes: [UInt8], fetch: (UInt64, Int) -> [UInt8]?) {
        let handle = try XCTUnwrap(FileHandle(forReadingAtPath: path))
        defer { try? handle.close() }
        let length = try handle.seekToEnd()
        let tail = 4 << 20
        try handle.seek(toOffset: length - UInt64(tail))
        let bytes = [UInt8](try XCTUnwrap(handle.read(upToCount: tail)))
        return (length, bytes, { offset, count in
            guard offset >= length - UInt64(tail), offset + UInt64(count) <= length else { return nil }
            let at = Int(offset - (length - UInt64(tail)))
            return Array(bytes[at..<at + count])
        })
    }

    func testAFlippedByteMakesTheLDMDDFAndIMSMParsersRefuse() throws {
        var ph = try head(image("ldm-2031"), 7 * 512).suffix(512).map { $0 }
        let none: (UInt64, Int) -> [UInt8]? = { _, _ in nil }
        XCTAssertNotNil(MultiDeviceMembers.ldm(ph, at: 3072, gpt: false, sectorSize: 512, diskBytes: 3 << 29, fetch: none))
        ph[60] = UInt8(ascii: "g")  // not a hex digit in the disk GUID
        XCTAssertNil(MultiDeviceMembers.ldm(ph, at: 3072, gpt: false, sectorSize: 512, diskBytes: 3 << 29, fetch: none))

        let ddf = try reader(try image("ddf-2042"))
        XCTAssertNotNil(MultiDeviceMembers.ddf(length: ddf.length, fetch: ddf.fetch))
        // This disk's data section (the last section, 1 MiB − 7 sectors before the end): one byte of its GUID.
        var bytes = ddf.bytes
        let data = bytes.count - 2048 * 512 + 8 * 512
        bytes[data + 12] ^= 1
        let flipped = bytes, length = ddf.length
        XCTAssertNil(MultiDeviceMembers.ddf(length: length) { offset, count in
            let at = Int(offset - (length - UInt64(flipped.count)))
            return at >= 0 && at + count <= flipped.count ? Array(flipped[at..<at + count]) : nil
        })

        let imsm = try reader(try image("imsm-2044"))
        XCTAssertNotNil(MultiDeviceMembers.imsm(length: imsm.length, sectorSize: 512, fetch: imsm.fetch))
        var mpb = imsm.bytes
        mpb[mpb.count - 1024 + 0xD8] ^= 1  // the first serial
        let changed = mpb, imsmLength = imsm.length
        XCTAssertNil(MultiDeviceMembers.imsm(length: imsmLength, sectorSize: 512) { offset, count in
            let at = Int(offset - (imsmLength - UInt64(changed.count)))
            return Array(changed[at..<at + count])
        }, "the checksum no longer holds")
    }

    /// A DDF anchor 257 sectors before the end (where some controllers write it) is found too;
    /// a disk too small for that position is no trap.
    func testDDFAnchor257SectorsBeforeTheEnd() throws {
        let ddf = try reader(try image("ddf-2043"))
        var bytes = ddf.bytes
        let last = bytes.count - 512, moved = bytes.count - 257 * 512
        bytes.replaceSubrange(moved..<moved + 512, with: bytes[last...])
        bytes.replaceSubrange(last..., with: [UInt8](repeating: 0, count: 512))
        let image = bytes, length = ddf.length
        let m = try XCTUnwrap(MultiDeviceMembers.ddf(length: length) { offset, count in
            let at = Int(offset - (length - UInt64(image.count)))
            return at >= 0 && at + count <= image.count ? Array(image[at..<at + count]) : nil
        })
        XCTAssertEqual(m.memberID, "21000000-ddf0-pd00002043")
        XCTAssertEqual(m.headerOffset, length - 257 * 512)
        XCTAssertNil(MultiDeviceMembers.ddf(length: 100 << 10) { _, count in [UInt8](repeating: 0xDE, count: count) })
    }

    /// IMSM keeps no "this disk" field: with two disks of one size, the member cannot be told
    /// from its bytes, and none is claimed.
    func testIMSMMembersOfEqualSizeAreNotGuessed() throws {
        let imsm = try reader(try image("imsm-2044"))
        var mpb = Array(imsm.bytes.suffix(1024).prefix(512))
        // Disk 1's total_blocks made disk 0's, and the checksum made to hold again.
        mpb.replaceSubrange(0xD8 + 48 + 16..<0xD8 + 48 + 20, with: mpb[0xD8 + 16..<0xD8 + 20])
        let size = Int(mpb[0x24]) | Int(mpb[0x25]) << 8
        var sum: UInt32 = 0
        for w in 0..<(size / 4) where w != 8 {
            sum &+= UInt32(mpb[w * 4]) | UInt32(mpb[w * 4 + 1]) << 8 | UInt32(mpb[w * 4 + 2]) << 16 | UInt32(mpb[w * 4 + 3]) << 24
        }
        mpb.replaceSubrange(0x20..<0x24, with: [UInt8(sum & 0xff), UInt8(sum >> 8 & 0xff), UInt8(sum >> 16 & 0xff), UInt8(sum >> 24)])
        let block = mpb
        XCTAssertNil(MultiDeviceMembers.imsm(length: imsm.length, sectorSize: 512) { _, count in
            count == 512 ? block : nil
        })
    }

    /// Hostile bytes behind every magic: no trap, no long run, no member.
    func testHostileLDMDDFAndIMSMBytesNeverCrash() throws {
        var generator = SeededGenerator(seed: 2121)
        let start = Date()
        for round in 0..<300 {
            var bytes = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let sized = round % 3 == 0 ? 100 : 4096
            switch round % 4 {
            case 0: bytes.replaceSubrange(0..<8, with: Array("PRIVHEAD".utf8)); bytes[12] = 0; bytes[13] = 2; bytes[15] = 12
            case 1: bytes.replaceSubrange(0..<4, with: [0xDE, 0x11, 0xDE, 0x11])
            case 2: bytes.replaceSubrange(0..<24, with: Array("Intel Raid ISM Cfg Sig. ".utf8))
            default: bytes.replaceSubrange(0..<8, with: Array("TOCBLOCK".utf8))
            }
            let random = Array(bytes.prefix(sized))
            let fetch: (UInt64, Int) -> [UInt8]? = { _, count in
                count <= random.count ? Array(random.prefix(count)) : random
            }
            _ = MultiDeviceMembers.ldm(random, at: 3072, gpt: round % 2 == 0, sectorSize: 512, diskBytes: 1 << 30, fetch: fetch)
            _ = MultiDeviceMembers.ddf(length: UInt64(round) << 20, fetch: fetch)
            _ = MultiDeviceMembers.imsm(length: UInt64(round) << 20, sectorSize: 512, fetch: fetch)
            _ = MultiDeviceMembers.find(place: "whole disk", start: 0, length: 1 << 30, read: fetch, fetch: fetch)
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)
    }
}
