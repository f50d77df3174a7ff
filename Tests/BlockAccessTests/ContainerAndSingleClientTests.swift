import BlockAccess
import Foundation
import TestSupport
import XCTest

/// Image container recognition (issue 9.5) and one-client servers (issue 9.6).
final class ContainerAndSingleClientTests: XCTestCase {
    func bytes(_ text: String, at offset: Int = 0, count: Int = 1024) -> [UInt8] {
        var b = [UInt8](repeating: 0, count: count)
        b.replaceSubrange(offset..<offset + text.utf8.count, with: Array(text.utf8))
        return b
    }

    func testMagicBytes() {
        let zeros = [UInt8](repeating: 0, count: 512)
        var qcow2 = zeros; qcow2[0...7] = [0x51, 0x46, 0x49, 0xFB, 0, 0, 0, 3]
        var qcow1 = zeros; qcow1[0...7] = [0x51, 0x46, 0x49, 0xFB, 0, 0, 0, 1]
        var vdi = [UInt8](repeating: 0, count: 1024); vdi[0x40...0x43] = [0x7F, 0x10, 0xDA, 0xBE]
        XCTAssertEqual(ImageContainer.format(head: qcow2, tail: zeros), .qcow2)
        XCTAssertEqual(ImageContainer.format(head: qcow1, tail: zeros), .qcow)
        XCTAssertEqual(ImageContainer.format(head: bytes("KDMV"), tail: zeros), .vmdk)
        XCTAssertEqual(ImageContainer.format(head: bytes("vhdxfile"), tail: zeros), .vhdx)
        XCTAssertEqual(ImageContainer.format(head: bytes("conectix"), tail: zeros), .vpc)
        XCTAssertEqual(ImageContainer.format(head: zeros, tail: bytes("conectix", count: 512)), .vpc, "fixed VHD: footer only")
        XCTAssertEqual(ImageContainer.format(head: vdi, tail: zeros), .vdi)
        XCTAssertEqual(ImageContainer.format(head: bytes("# Disk DescriptorFile\nversion=1\n"), tail: zeros), .vmdk)
        XCTAssertEqual(ImageContainer.format(head: bytes("\n# Disk DescriptorFile\n"), tail: zeros), .vmdk)
        // Raw disks: an MBR, a GPT, text that is not a descriptor, all zeros.
        var mbr = zeros; mbr[510] = 0x55; mbr[511] = 0xAA
        XCTAssertNil(ImageContainer.format(head: mbr, tail: zeros))
        XCTAssertNil(ImageContainer.format(head: bytes("EFI PART", at: 512), tail: zeros))
        XCTAssertNil(ImageContainer.format(head: bytes("hello\n# Disk DescriptorFile\n"), tail: zeros))
        XCTAssertNil(ImageContainer.format(head: zeros, tail: zeros))
    }

    func testAQcow2FileIsReadAsItsGuestDisk() throws {
        let dir = try TemporaryDirectory.make(prefix: "qcow2")
        defer { try? FileManager.default.removeItem(at: dir) }
        let raw = dir.appendingPathComponent("raw.img").path, qcow2 = dir.appendingPathComponent("disk.qcow2").path
        try Tools.sh("truncate -s 32M '\(raw)' && printf 'guest-bytes' | dd of='\(raw)' bs=1 seek=1048576 conv=notrunc status=none "
                     + "&& qemu-img convert -q -f raw -O qcow2 '\(raw)' '\(qcow2)'")
        let volume = try VolumeOpener.open(qcow2)
        defer { volume.close() }
        XCTAssertEqual(volume.sizeBytes, 32 << 20)
        XCTAssertEqual(volume.displayName, "\(qcow2) (qcow2 via qemu-nbd)")
        XCTAssertEqual(try volume.read(at: 1 << 20, count: 11), Array("guest-bytes".utf8))
        XCTAssertEqual((volume as? NBDVolume)?.containerFormat, .qcow2)
        // A raw file stays a raw file.
        let plain = try VolumeOpener.open(raw)
        defer { plain.close() }
        XCTAssertTrue(plain is FileVolume)
    }

    func testASecondClientOfABusyOneClientServerIsToldHowToGetMoreSlots() throws {
        let dir = try TemporaryDirectory.make(prefix: "busy")
        defer { try? FileManager.default.removeItem(at: dir) }
        let image = dir.appendingPathComponent("disk.img").path
        try Tools.sh("truncate -s 16M '\(image)'")
        let server = try QEMUNBDServer(image: image, persistent: true)
        let first = try NBDVolume(uri: server.uri, timeout: .seconds(5))
        defer { first.close() }
        let started = Date()
        XCTAssertThrowsError(try NBDVolume(uri: server.uri, timeout: .seconds(1))) { error in
            let e = error as! VolumeError
            XCTAssertEqual(e.kind, .timeout)
            XCTAssertTrue(e.message.contains("--shared=N"), e.message)
            XCTAssertTrue(e.message.contains("--persistent"), e.message)
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
        // The first connection still reads.
        XCTAssertEqual(try first.read(at: 0, count: 512), [UInt8](repeating: 0, count: 512))
    }
}
