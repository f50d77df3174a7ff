import BlockAccess
import Foundation
import TestSupport
import XCTest

/// `Volume.perform` (issue 17): a round of independent reads and block-status requests,
/// every one in flight together over NBD, one reply per request in order, a failure
/// confined to its request. Against real nbdkit servers.
final class PerformRoundTests: XCTestCase {
    var dir: URL!
    var path: String!
    /// The image: a 2 MiB hole (so block status has something to say), then 6 MiB of a
    /// position-dependent pattern.
    var image: [UInt8]!
    static let size = 8 << 20
    static let hole = 2 << 20

    override func setUpWithError() throws {
        dir = try TemporaryDirectory.make(prefix: "perform")
        path = dir.appendingPathComponent("disk.img").path
        var block = [UInt8](repeating: 0, count: 65536)
        var generator = SystemRandomNumberGenerator()
        for i in block.indices { block[i] = UInt8.random(in: 0...255, using: &generator) }
        var data = [UInt8](repeating: 0, count: Self.hole)
        while data.count < Self.size {
            block[0] = UInt8(truncatingIfNeeded: data.count >> 16)  // each 64 KiB differs
            data += block
        }
        image = data
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        try handle.seek(toOffset: UInt64(Self.hole))
        try handle.write(contentsOf: Data(data[Self.hole...]))
        try handle.close()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    private func expected(_ offset: Int, _ count: Int) -> [UInt8] { Array(image[offset..<offset + count]) }

    func testEveryRequestIsAnsweredInOrderOverNBDAndFromAFile() throws {
        // At most 1 MiB per NBD request, so a 3 MiB read goes out as several.
        let server = try NBDKitServer(plugin: "file", args: ["file=\(path!)", "blocksize-maximum=1M"],
                                      filters: ["blocksize-policy"])
        let size = Self.size
        let requests: [VolumeRequest] = [
            .read(offset: UInt64(3 << 20), count: 4096),
            .extents(offset: 0, length: UInt64(size)),
            .read(offset: UInt64(size - 512), count: 512),
            .read(offset: UInt64(size), count: 1),                     // past the end: fails alone
            .read(offset: UInt64(Self.hole) + 3, count: (3 << 20) + 5),  // more than one NBD request
            .read(offset: 0, count: 0),
        ]
        for target in [server.uri(), path!] {
            let volume = try VolumeOpener.open(target)
            defer { volume.close() }
            let replies = volume.perform(requests)
            XCTAssertEqual(replies.count, requests.count, target)
            guard replies.count == requests.count else { continue }
            guard case .read(let a) = replies[0] else { return XCTFail("reply 0: \(replies[0])") }
            XCTAssertEqual(a.array, expected(3 << 20, 4096), target)
            guard case .extents(let extents) = replies[1] else { return XCTFail("reply 1: \(replies[1])") }
            XCTAssertEqual(extents.first?.offset, 0)
            XCTAssertTrue(extents.first?.zero ?? false, "the leading hole reads as zeros: \(extents)")
            XCTAssertTrue(extents.contains { !$0.zero && $0.offset <= Self.hole && $0.end > Self.hole }, "\(extents)")
            guard case .read(let c) = replies[2] else { return XCTFail("reply 2: \(replies[2])") }
            XCTAssertEqual(c.array, expected(size - 512, 512))
            guard case .failed(let e) = replies[3] else { return XCTFail("reply 3: \(replies[3])") }
            XCTAssertEqual(e.kind, .outOfRange)
            guard case .read(let d) = replies[4] else { return XCTFail("reply 4: \(replies[4])") }
            XCTAssertEqual(d.count, (3 << 20) + 5)
            XCTAssertTrue(d.array == expected(Self.hole + 3, (3 << 20) + 5), "the 3 MiB read differs from the file")
            guard case .read(let empty) = replies[5] else { return XCTFail("reply 5: \(replies[5])") }
            XCTAssertEqual(empty.array, [])
            // The volume is still usable after a round with a failed request.
            XCTAssertEqual(try volume.read(at: UInt64(5 << 20), count: 16), expected(5 << 20, 16))
        }
    }

    func testALargeRoundsRepliesShareOneMappingThatOutlivesTheRound() throws {
        // 48 reads of 64 KiB (3 MiB in all): one slab (`ReadBytes.Slab`), the pieces one
        // after the other in it, each 64-byte aligned; a reply kept after the others are freed
        // and after further rounds still holds its bytes; a small round after them (its reads
        // allocated one by one) reads right. Over NBD and from the file.
        let server = try NBDKitServer(plugin: "file", args: ["file=\(path!)"])
        let offsets = (0..<48).map { Self.hole + $0 << 16 }
        for target in [server.uri(), path!] {
            let volume = try VolumeOpener.open(target)
            defer { volume.close() }
            var kept: ReadBytes?
            do {
                let replies = volume.perform(offsets.map { .read(offset: UInt64($0), count: 65536) })
                var addresses: [Int] = []
                for (i, reply) in replies.enumerated() {
                    guard case .read(let bytes) = reply else { return XCTFail("\(target) reply \(i): \(reply)") }
                    XCTAssertTrue(bytes.array == expected(offsets[i], 65536), "\(target): reply \(i) differs from the file")
                    addresses.append(bytes.withUnsafeBytes { Int(bitPattern: $0.baseAddress) })
                }
                XCTAssertTrue(addresses.allSatisfy { $0 % 64 == 0 }, "\(addresses)")
                XCTAssertEqual(zip(addresses, addresses.dropFirst()).map { $1 - $0 }, Array(repeating: 65536, count: 47),
                               "\(target): the replies of a large round lie one after the other in one mapping")
                if case .read(let bytes) = replies[17] { kept = bytes }
            }
            for _ in 0..<3 {  // further rounds map and unmap slabs of their own
                _ = volume.perform(offsets.map { .read(offset: UInt64($0), count: 65536) })
            }
            XCTAssertTrue(kept?.array == expected(offsets[17], 65536), "\(target): a kept reply lost its bytes")
            let small = volume.perform([.read(offset: UInt64(Self.hole), count: 4096), .read(offset: 0, count: 4096)])
            for (i, reply) in small.enumerated() {
                guard case .read(let bytes) = reply else { return XCTFail("\(target) small reply \(i): \(reply)") }
                XCTAssertEqual(bytes.array, expected(i == 0 ? Self.hole : 0, 4096))
            }
        }
    }

    func testARoundCostsOneLatencyNotOnePerRequest() throws {
        // 100 ms per read; threads enough that the filter's sleeps overlap as a link's latency would.
        let server = try NBDKitServer(plugin: "file", args: ["file=\(path!)", "delay-read=100ms"], filters: ["delay"],
                                      extraOptions: ["--threads=64"])
        let volume = try VolumeOpener.open(server.uri())
        defer { volume.close() }
        let requests: [VolumeRequest] = (0..<16).map { .read(offset: UInt64(Self.hole) + UInt64($0) << 18, count: 65536) }
        let start = Date()
        let replies = volume.perform(requests)
        let elapsed = Date().timeIntervalSince(start)
        for (i, reply) in replies.enumerated() {
            guard case .read(let bytes) = reply else { return XCTFail("reply \(i): \(reply)") }
            XCTAssertEqual(bytes.array, expected(Self.hole + i << 18, 65536), "reply \(i)")
        }
        // One after the other they would take 1.6 s.
        XCTAssertLessThan(elapsed, 0.8, "16 reads of a round took \(elapsed) s")
    }

    func testASilentServerFailsTheRoundWithinTheTimeout() throws {
        let server = try NBDKitServer(plugin: "file", args: ["file=\(path!)", "delay-read=10"], filters: ["delay"],
                                      extraOptions: ["--threads=16"])
        let volume = try VolumeOpener.open(server.uri(), options: VolumeOptions(timeout: .seconds(1)))
        defer { volume.close() }
        let start = Date()
        let replies = volume.perform([.read(offset: 0, count: 512), .read(offset: 4096, count: 512)])
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
        for reply in replies {
            guard case .failed(let e) = reply else { return XCTFail("\(reply)") }
            XCTAssertEqual(e.kind, .timeout, "\(e)")
            XCTAssertTrue("\(e)".contains("--timeout"), "\(e)")
        }
        // The connection is given up: no late reply may land in a freed buffer.
        XCTAssertThrowsError(try volume.read(at: 0, count: 512)) { XCTAssertEqual(($0 as? VolumeError)?.kind, .closed) }
    }
}
