import Canary
import Crypto
import XCTest

/// Pure logic of the canary (issue 14): the block format and its seal, the layout derived
/// from key and seed, sizes, the manifest's consistency checks.
final class CanaryBlockTests: XCTestCase {
    let secret = [UInt8](repeating: 7, count: 32)

    func testBlockRoundTripsAndItsSealCatchesAnyFlippedByte() {
        let block = CanaryBlock(vm: "pgtest1", disk: "2000", offset: 64 << 20, generation: 3)
        var bytes = block.encoded(secret: secret)
        XCTAssertEqual(bytes.count, 4096)
        XCTAssertEqual(bytes.withUnsafeBytes { CanaryBlock.read($0, secret: SymmetricKey(data: secret)) }, .block(block))
        XCTAssertEqual(bytes.withUnsafeBytes { CanaryBlock.read($0, secret: SymmetricKey(data: [UInt8](repeating: 8, count: 32))) },
                       .badSeal(claimed: block), "another secret does not verify")
        for index in [9, 16, 40, 300, 2000, 4095] {
            var tampered = bytes
            tampered[index] ^= 0x01
            if case .block = tampered.withUnsafeBytes({ CanaryBlock.read($0, secret: SymmetricKey(data: secret)) }) {
                XCTFail("a flipped byte at \(index) still verifies")
            }
        }
        bytes = [UInt8](repeating: 0, count: 4096)
        XCTAssertEqual(bytes.withUnsafeBytes { CanaryBlock.read($0, secret: SymmetricKey(data: secret)) }, .zeros)
        bytes[100] = 1
        XCTAssertEqual(bytes.withUnsafeBytes { CanaryBlock.read($0, secret: SymmetricKey(data: secret)) }, .otherData)
    }

    func testLayoutsAreDistinctPerKeyStableForASeedAndKeepTheirPromises() {
        let capacity: UInt64 = 115 << 30
        let a = CanaryLayout.derive(key: "2000", capacity: capacity, seed: 1)
        XCTAssertEqual(a, CanaryLayout.derive(key: "2000", capacity: capacity, seed: 1), "the same key and seed give the same layout")
        let b = CanaryLayout.derive(key: "2001", capacity: capacity, seed: 1)
        XCTAssertNotEqual(a.diskGUID, b.diskGUID)
        XCTAssertNotEqual(a.partitions.map(\.sizeBytes), b.partitions.map(\.sizeBytes))
        XCTAssertNotEqual(a.diskGUID, CanaryLayout.derive(key: "2000", capacity: capacity, seed: 2).diskGUID)
        let counts = Set((0..<40).map { CanaryLayout.derive(key: "\($0)", capacity: capacity, seed: 9).partitions.count })
        XCTAssertEqual(counts, [3, 4], "the partition count depends on the key")
        for layout in [a, b] {
            let offsets = layout.blocks.map(\.offset)
            XCTAssertEqual(offsets, offsets.sorted())
            XCTAssertEqual(Set(offsets).count, offsets.count)
            XCTAssertEqual(offsets.first, 512 << 10)
            XCTAssertEqual(offsets.last, capacity - (1 << 20), "a block in the disk's last MiB")
            XCTAssertTrue(zip(offsets, offsets.dropFirst()).allSatisfy { $1 - $0 <= 64 << 20 }, "never more than 64 MiB apart")
            XCTAssertTrue(offsets.allSatisfy { $0 % 4096 == 0 })
            for p in layout.partitions {
                XCTAssertTrue(offsets.contains(p.startBytes + (512 << 10)))
                XCTAssertTrue(offsets.contains(p.startBytes + p.sizeBytes - (512 << 10)))
                XCTAssertLessThanOrEqual(p.startBytes + p.sizeBytes, capacity - (1 << 20))
            }
            XCTAssertGreaterThan(layout.blocks.count, 1800, "about 1,900 blocks on 115 GiB")
        }
    }

    func testSizes() throws {
        XCTAssertEqual(CanaryImages.parseSize("115GiB"), 115 << 30)
        XCTAssertEqual(CanaryImages.parseSize("10G"), 10 << 30)
        XCTAssertEqual(CanaryImages.parseSize("512M"), 512 << 20)
        XCTAssertEqual(CanaryImages.parseSize("8388608"), 8 << 20)
        XCTAssertNil(CanaryImages.parseSize("ten"))
        XCTAssertEqual(CanaryImages.parseSize("1.5GiB"), 3 << 29)
        XCTAssertEqual(CanaryImages.parseSize("64 MiB"), 64 << 20)
        XCTAssertNil(CanaryImages.parseSize("1.3"), "not a whole number of bytes")
        XCTAssertNil(CanaryImages.parseSize("1.G"))
        XCTAssertNil(CanaryImages.parseSize("99999999999999T"))
        let spec = try CanaryImages.DiskSpec.parse("2000:115GiB:Hard disk 1")
        XCTAssertEqual(spec, .init(key: "2000", capacityBytes: 115 << 30, label: "Hard disk 1"))
        XCTAssertThrowsError(try CanaryImages.DiskSpec.parse("2000")) { XCTAssertTrue("\($0)".contains("KEY:SIZE")) }
        XCTAssertThrowsError(try CanaryImages.DiskSpec.parse("2000:4M")) { XCTAssertTrue("\($0)".contains("at least 8 MiB")) }
        XCTAssertThrowsError(try CanaryImages.DiskSpec.parse("20 00:1G")) { XCTAssertTrue("\($0)".contains("not a disk key")) }
    }
}
