import AuditCore
import BlockAccess
@testable import DiskProbe
import Foundation
import TestSupport
import XCTest

/// Bad input gives a finding or a clear result, never a crash, a hang or a false pass.
final class RobustnessTests: XCTestCase {
    func testSilentServerEndsInUnreadableRegionsWithinTheTimeout() throws {
        let dir = try TemporaryDirectory.make(prefix: "probe-delay")
        defer { try? FileManager.default.removeItem(at: dir) }
        let image = dir.appendingPathComponent("disk.img").path
        try Tools.sh("truncate -s 64M '\(image)' && sgdisk -o '\(image)' >/dev/null")
        let server = try NBDKitServer(plugin: "file", args: ["file=\(image)", "delay-read=30"], filters: ["delay"])
        let volume = try VolumeOpener.open(server.uri(), options: VolumeOptions(timeout: .seconds(1)))
        let start = Date()
        let r = try DiskProber.probe(volume)
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)
        XCTAssertFalse(r.isComplete)
        XCTAssertNil(r.partitionTable)
        XCTAssertTrue(codes(r).contains("unreadable-region"))
        XCTAssertTrue(r.unreadableRegions.contains { $0.error?.contains("timeout") == true || $0.error?.contains("within") == true },
                      "\(r.unreadableRegions)")
    }

    func testVolumeSmallerThanTwoSectorsIsProbedEmpty() throws {
        let r = try DiskProber.probe(MemoryVolume(sizeBytes: 700))
        XCTAssertEqual(r.sizeBytes, 700)
        XCTAssertNil(r.partitionTable)
        XCTAssertEqual(r.witnesses, Witnesses())
    }

    /// Random GPT headers with valid CRCs and random geometry: the whole probe, libfdisk and
    /// libblkid included, must return.
    func testRandomButChecksummedGPTHeadersNeverCrashTheProbe() throws {
        var rng = SeededGenerator(seed: 2001)
        for _ in 0..<40 {
            let size = UInt64(1 + rng.next() % 64) << 20
            let volume = MemoryVolume(sizeBytes: size)
            var mbr = [UInt8](repeating: 0, count: 512)
            mbr[446 + 4] = [0xEE, 0x05, 0x83][Int(rng.next() % 3)]
            for i in 8..<16 { mbr[446 + i] = UInt8(truncatingIfNeeded: rng.next()) }
            mbr[510] = 0x55; mbr[511] = 0xAA
            volume.set(mbr, at: 0)
            var header = [UInt8](repeating: 0, count: 512)
            header.replaceSubrange(0..<8, with: Array("EFI PART".utf8))
            for i in 8..<92 { header[i] = UInt8(truncatingIfNeeded: rng.next()) }
            header.replaceSubrange(12..<16, with: [92, 0, 0, 0])
            header.replaceSubrange(16..<20, with: [0, 0, 0, 0])
            let crc = CRC32.checksum(Array(header[0..<92]))
            withUnsafeBytes(of: crc.littleEndian) { header.replaceSubrange(16..<20, with: $0) }
            volume.set(header, at: 512)
            volume.set((0..<4096).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, at: 1024)
            let r = try DiskProber.probe(volume)
            XCTAssertEqual(r.witnesses.primaryGPT?.headerCRCValid, true)
            XCTAssertLessThan(r.regionsRead.reduce(0) { $0 + $1.length }, 64 << 20)
        }
    }
}
