import BlockAccess
import Canary
import XCTest

/// The scanner's classification over in-memory volumes (issue 14): the cases the end-to-end
/// tests do not build — another VM's block, a newer generation, a volume too small, another
/// disk's image written at a shift, a copy written 512 bytes early, two disks swapped.
final class CanaryScannerTests: XCTestCase {
    let secret = [UInt8](repeating: 0x5A, count: 32)
    lazy var manifest = CanaryManifest(vm: "vm1", disks: [("a", 1 << 30, nil), ("b", 1 << 30, "B")], seed: 11, secret: secret)

    /// A volume of `size` bytes holding `key`'s blocks (generation `generation`), moved by `shift` bytes.
    func volume(_ key: String, size: UInt64 = 1 << 30, shift: Int64 = 0, generation: UInt32 = 1, vm: String = "vm1",
                onto base: MemoryVolume? = nil) -> MemoryVolume {
        let volume = base ?? MemoryVolume(sizeBytes: size)
        let disk = manifest.disk(key)!
        for location in manifest.layout(of: disk).blocks {
            let at = Int64(location.offset) + shift
            guard at >= 0, UInt64(at) + 4096 <= volume.sizeBytes else { continue }
            volume.set(CanaryBlock(vm: vm, disk: key, offset: location.offset, generation: generation).encoded(secret: secret), at: UInt64(at))
        }
        return volume
    }

    func scan(_ volume: MemoryVolume, as key: String) -> CanaryDiskResult {
        CanaryScanner.scan(volume, disk: manifest.disk(key)!, manifest: manifest)
    }

    func testOwnBlocksAndTheHolesAroundThemAreRead() {
        let result = scan(volume("a"), as: "a")
        XCTAssertEqual(result.counts, ["own": result.expectedBlocks])
        XCTAssertEqual(result.ranges.count, 1)
        XCTAssertEqual(result.sealed, result.expectedBlocks)
        XCTAssertEqual(result.holesSkipped, 0)
    }

    func testAnotherVMsBlockANewerGenerationAndOtherDataAreMismatches() {
        let v = volume("a")
        let offsets = manifest.layout(of: manifest.disk("a")!).blocks.map(\.offset)
        v.set(CanaryBlock(vm: "vm2", disk: "a", offset: offsets[3], generation: 1).encoded(secret: secret), at: offsets[3])
        v.set(CanaryBlock(vm: "vm1", disk: "a", offset: offsets[5], generation: 9).encoded(secret: secret), at: offsets[5])
        v.set([UInt8](repeating: 0xEE, count: 4096), at: offsets[7])
        let result = scan(v, as: "a")
        XCTAssertEqual(result.counts["mismatch"], 3)
        let reasons = result.ranges(.mismatch).compactMap(\.reason)
        XCTAssertEqual(reasons.count, 3)
        XCTAssertTrue(reasons[0].contains("VM vm2"), reasons[0])
        XCTAssertTrue(reasons[1].contains("newer than the manifest"), reasons[1])
        XCTAssertEqual(reasons[2], "other data")
        XCTAssertEqual(result.ranges(.mismatch).map(\.start), [offsets[3], offsets[5], offsets[7]])
    }

    func testAVolumeTooSmallLeavesTheRestPastItsEnd() {
        let result = scan(volume("a", size: 512 << 20), as: "a")
        let past = result.ranges(.notWritten)
        XCTAssertEqual(past.count, 1)
        XCTAssertEqual(past.first?.pastEnd, true)
        XCTAssertEqual(past.first?.end, (1 << 30) - (1 << 20) + 4096)
        XCTAssertEqual((result.counts["own"] ?? 0) + (result.counts["not-written"] ?? 0), result.expectedBlocks)
    }

    func testACopyWrittenHalfASectorEarlyIsShiftedByMinus512() {
        let result = scan(volume("a", shift: -512), as: "a")
        XCTAssertEqual(result.ranges(.shifted).compactMap(\.shiftBytes), [-512])
        XCTAssertEqual(result.counts["shifted"], result.expectedBlocks, "every block, each found 512 bytes before its place")
    }

    func testAnotherDisksImageAtAShiftIsBoundedByItsCapacity() {
        // Disk b's image written 64 MiB into a volume of disk a that holds nothing else.
        let result = scan(volume("b", shift: 64 << 20), as: "a")
        let extent = try? XCTUnwrap(result.foreignExtents.first)
        XCTAssertEqual(extent?.fromDisk, "b")
        XCTAssertEqual(extent?.shiftBytes, 64 << 20)
        XCTAssertEqual(extent?.start, 64 << 20)
        XCTAssertEqual(extent?.end, 1 << 30, "cut at the volume's end")
        XCTAssertGreaterThan(result.counts["other-disk"] ?? 0, 10)
        XCTAssertEqual(result.counts["own"], nil)
        XCTAssertTrue(result.ranges(.otherDisk).allSatisfy { $0.shiftBytes == 64 << 20 })
    }

    func testAnotherDisksImageOffThisDisksGridIsFoundBySearchAndConfirmedBlockByBlock() {
        // Disk b's image written 1 MiB late onto an empty volume of disk a: its blocks fall
        // between a's locations, which all read zeros.
        let result = scan(volume("b", shift: 1 << 20), as: "a")
        let extent = result.foreignExtents.first
        XCTAssertEqual(extent?.fromDisk, "b")
        XCTAssertEqual(extent?.shiftBytes, 1 << 20)
        XCTAssertEqual(extent?.start, 1 << 20)
        XCTAssertEqual(extent?.end, 1 << 30)
        XCTAssertEqual(extent?.blocks, manifest.disk("b")!.blockCount - 1, "all but the last MiB's block, pushed past the end")
        XCTAssertEqual(result.ranges(.notWritten).map(\.start), [512 << 10], "only the head location, before b's image starts")
        XCTAssertEqual(result.counts["other-disk"], result.expectedBlocks - 1, "\(result.counts)")
        XCTAssertTrue(result.ranges(.otherDisk).allSatisfy { $0.fromDisk == "b" && $0.shiftBytes == 1 << 20 })
    }

    /// A volume whose reads fail at one offset, as a flaky export's would.
    final class FailingVolume: Volume, @unchecked Sendable {
        let base: MemoryVolume
        let failAt: UInt64
        init(_ base: MemoryVolume, failAt: UInt64) { self.base = base; self.failAt = failAt }
        var displayName: String { "failing" }
        var target: Target { base.target }
        var sizeBytes: UInt64 { base.sizeBytes }
        var logicalSectorSize: Int { 512 }
        var sectorSizeOrigin: SectorSizeOrigin { .assumed }
        var supportsBlockStatus: Bool { true }
        func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws(VolumeError) {
            if offset == failAt { throw VolumeError(kind: .readFailed, operation: "read", target: "failing", message: "EIO") }
            try base.read(into: buffer, at: offset)
        }
        func extents(offset: UInt64, length: UInt64) throws(VolumeError) -> [Extent] { try base.extents(offset: offset, length: length) }
        func close() { base.close() }
    }

    func testAFailedReadIsUnreadNotAMismatch() {
        let offsets = manifest.layout(of: manifest.disk("a")!).blocks.map(\.offset)
        let result = CanaryScanner.scan(FailingVolume(volume("a"), failAt: offsets[4]), disk: manifest.disk("a")!, manifest: manifest)
        XCTAssertEqual(result.counts["unread"], 1)
        XCTAssertNil(result.counts["mismatch"])
        XCTAssertEqual(result.ranges(.unread).first?.start, offsets[4])
        XCTAssertTrue(result.error?.contains("EIO") ?? false, result.error ?? "no error")
    }

    func testSwappedDisksNameEachOther() {
        XCTAssertEqual(scan(volume("b"), as: "a").counts["other-disk"], manifest.disk("a")!.blockCount)
        XCTAssertEqual(scan(volume("a"), as: "b").ranges(.otherDisk).first?.fromDisk, "a")
    }
}
