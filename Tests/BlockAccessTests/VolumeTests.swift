import XCTest
import TestSupport
@testable import BlockAccess

final class VolumeTests: XCTestCase {
    var dir: URL!
    var image: String!

    override func setUpWithError() throws {
        dir = try TemporaryDirectory.make(prefix: "volume")
        image = dir.appendingPathComponent("disk.img").path
        // 64 MiB sparse image with data at 0 and at 32 MiB.
        try Tools.sh("""
            truncate -s 64M '\(image!)'
            printf 'HEAD' | dd of='\(image!)' conv=notrunc status=none
            printf 'MIDDLE' | dd of='\(image!)' bs=1M seek=32 conv=notrunc status=none
            """)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func checkVolume(_ v: any Volume) throws {
        XCTAssertEqual(v.sizeBytes, 64 << 20)
        XCTAssertEqual(v.logicalSectorSize, 512)
        XCTAssertEqual(Array(try v.read(at: 0, count: 4)), Array("HEAD".utf8))
        XCTAssertEqual(Array(try v.read(at: 32 << 20, count: 6)), Array("MIDDLE".utf8))
        XCTAssertThrowsError(try v.read(at: (64 << 20) - 2, count: 4)) { e in
            XCTAssertEqual((e as? VolumeError)?.kind, .outOfRange)
        }
        // Block status: the range between the two writes is a hole.
        var extents: [Extent] = []
        var pos: UInt64 = 0
        while pos < v.sizeBytes {
            let got = try v.extents(offset: pos, length: v.sizeBytes - pos)
            XCTAssertFalse(got.isEmpty)
            extents += got
            pos = got.last!.end
        }
        XCTAssertEqual(extents.first?.offset, 0)
        XCTAssertEqual(extents.last?.end, 64 << 20)
        XCTAssertTrue(extents.contains { $0.hole && $0.offset <= 16 << 20 && $0.end >= 20 << 20 })
        XCTAssertTrue(extents.contains { !$0.hole && $0.offset <= 32 << 20 && $0.end > 32 << 20 })
    }

    func testFileVolume() throws {
        let v = try VolumeOpener.open(image)
        XCTAssertTrue(v is FileVolume)
        try checkVolume(v)
    }

    func testNBDVolumeOverUnixSocket() throws {
        let server = try NBDKitServer(plugin: "file", args: ["file=\(image!)"])
        let v = try VolumeOpener.open(server.uri())
        XCTAssertTrue(v is NBDVolume)
        XCTAssertTrue(v.supportsBlockStatus)
        try checkVolume(v)
        v.close()
        XCTAssertThrowsError(try v.read(at: 0, count: 1)) { XCTAssertEqual(($0 as? VolumeError)?.kind, .closed) }
    }

    func testSectorSizeOverride() throws {
        let v = try VolumeOpener.open(image, options: VolumeOptions(sectorSize: 4096))
        XCTAssertEqual(v.logicalSectorSize, 4096)
    }

    func testMissingDirectoryAndFIFOGetClearErrors() throws {
        XCTAssertThrowsError(try VolumeOpener.open(dir.appendingPathComponent("nope.img").path)) {
            XCTAssertTrue("\($0)".contains("No such file"), "\($0)")
        }
        XCTAssertThrowsError(try VolumeOpener.open(dir.path)) { XCTAssertTrue("\($0)".contains("directory"), "\($0)") }
        let fifo = dir.appendingPathComponent("fifo").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        XCTAssertThrowsError(try VolumeOpener.open(fifo)) { XCTAssertTrue("\($0)".contains("FIFO"), "\($0)") }
    }

    func testUnreachableNBDIsRetriedThenFails() throws {
        let start = Date()
        let options = VolumeOptions(timeout: .seconds(2), connectRetries: 2, retryDelay: .milliseconds(100))
        XCTAssertThrowsError(try VolumeOpener.open("nbd+unix:///x?socket=\(dir.path)/absent.sock", options: options)) { e in
            let err = e as? VolumeError
            XCTAssertEqual(err?.kind, .unreachable)
            XCTAssertTrue(err?.message.contains("after 3 attempts") ?? false, "\(e)")
        }
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(start), 0.3)  // 0.1 + 0.2 backoff
    }

    func testMemoryVolume() throws {
        let v = MemoryVolume(sizeBytes: 1 << 20)
        v.set([1, 2, 3], at: 70_000)
        XCTAssertEqual(try v.read(at: 69_999, count: 5), [0, 1, 2, 3, 0])
        XCTAssertEqual(try v.extents(offset: 0, length: 1 << 20).filter { !$0.hole }.count, 1)
    }
}
