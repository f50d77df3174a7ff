import XCTest
import AuditCore
import BlockAccess
import ContentCheck
import TestSupport

/// The full comparison against real nbdkit servers serving sparse images made per test.
final class FullCompareTests: XCTestCase {
    var fx: ContentFixtures!

    override func setUpWithError() throws { fx = try ContentFixtures() }
    override func tearDown() { fx = nil }

    private func serve(_ name: String, filters: [String] = [], args: [String] = [], log: Bool = false) throws -> NBDKitServer {
        try NBDKitServer(plugin: "file", args: ["file=\(fx.path(name))"] + args, filters: filters, logRequests: log)
    }

    private func compare(_ a: NBDKitServer, _ b: NBDKitServer, _ options: CompareOptions = CompareOptions()) throws -> CompareResult {
        try ContentComparator.compare(source: .nbd(uri: a.uri()), target: .nbd(uri: b.uri()),
                                      volumeOptions: VolumeOptions(timeout: .seconds(10)), options: options)
    }

    func testDifferenceInTheMiddleIsFoundWithItsOffset() throws {
        try fx.sparse("src.img", size: "1G")
        try fx.random("src.img", atMiB: 400, mib: 256)
        try fx.copy("src.img", to: "dst.img")
        let offset: UInt64 = 512 * 1024 * 1024 + 3 * 4096
        try fx.fill("dst.img", at: offset, count: 4096, byte: 0xA5)
        let a = try serve("src.img", log: true), b = try serve("dst.img", log: true)
        let r = try compare(a, b)
        XCTAssertEqual(r.status, .different)
        XCTAssertFalse(r.identical)
        XCTAssertEqual(r.exitCode, 1)
        XCTAssertEqual(r.differences, [DifferingExtent(offset: offset, length: 4096)])
        XCTAssertEqual(r.differingBytes, 4096)
        XCTAssertEqual(r.bytesCompared, 256 << 20, "only the allocated 256 MiB are read")
        XCTAssertEqual(r.bytesSkippedAsHoles, (1 << 30) - (256 << 20))
        XCTAssertEqual(r.findings.map(\.code), ["content-mismatch"])
        XCTAssertEqual(r.findings.first?.evidence["firstDifferenceOffset"]?.uint64Value, offset)
        // Read-only: the servers saw reads and block-status requests, nothing else.
        for server in [a, b] {
            let counts = try server.requestCounts()
            XCTAssertGreaterThan(counts["Read"] ?? 0, 0, "\(counts)")
            XCTAssertGreaterThan(counts["Extents"] ?? 0, 0, "\(counts)")
            XCTAssertEqual(Set(counts.keys).subtracting(["Read", "Extents"]), [], "\(counts)")
        }
    }

    func testSeveralDifferencesAreListedUpToTheLimitWithExactTotals() throws {
        try fx.sparse("src.img", size: "256M")
        try fx.random("src.img", atMiB: 0, mib: 64)
        try fx.copy("src.img", to: "dst.img")
        let offsets: [UInt64] = [1 << 20, 9 << 20, 17 << 20, 33 << 20, 60 << 20]
        for o in offsets { try fx.fill("dst.img", at: o, count: 1024, byte: 0x5A) }
        let a = try serve("src.img"), b = try serve("dst.img")
        let all = try compare(a, b)
        XCTAssertEqual(all.differences.map(\.offset), offsets)
        XCTAssertFalse(all.differencesTruncated)
        let cut = try compare(a, b, CompareOptions(maxDifferences: 2))
        XCTAssertEqual(cut.differences.map(\.offset), Array(offsets.prefix(2)))
        XCTAssertTrue(cut.differencesTruncated)
        XCTAssertEqual(cut.differingBytes, 5 * 1024)
        XCTAssertEqual(cut.status, .different)
    }

    func testHolesOnOneSideAndZerosOnTheOtherAreEqual() throws {
        try fx.sparse("src.img", size: "512M")
        try fx.random("src.img", atMiB: 0, mib: 8)
        try fx.copy("src.img", to: "dst.img")
        // The target holds 100 MiB of written (allocated) zeros where the source has a hole…
        try Tools.sh("dd if=/dev/zero of='\(fx.path("dst.img"))' bs=1M seek=200 count=100 conv=notrunc status=none")
        // …and the source holds allocated zeros where the target has a hole.
        try Tools.sh("dd if=/dev/zero of='\(fx.path("src.img"))' bs=1M seek=400 count=50 conv=notrunc status=none")
        let a = try serve("src.img"), b = try serve("dst.img")
        let r = try compare(a, b)
        XCTAssertEqual(r.status, .identical, "\(r.differences)")
        XCTAssertTrue(r.identical)
        XCTAssertEqual(r.exitCode, 0)
        XCTAssertEqual(r.bytesCheckedAgainstHoles, 150 << 20)
        XCTAssertEqual(r.bytesCompared, (8 << 20) + (150 << 20))
    }

    func testDataAgainstAHoleIsADifference() throws {
        try fx.sparse("src.img", size: "128M")
        try fx.random("src.img", atMiB: 10, mib: 2)
        try fx.sparse("dst.img", size: "128M")
        let a = try serve("src.img"), b = try serve("dst.img")
        let r = try compare(a, b)
        XCTAssertEqual(r.status, .different)
        XCTAssertEqual(r.differences, [DifferingExtent(offset: 10 << 20, length: 2 << 20)])
    }

    func testLargerTargetWithZeroTailIsIdenticalWithAnInfoFinding() throws {
        try fx.sparse("src.img", size: "1G")
        try fx.random("src.img", atMiB: 1000, mib: 24)
        try fx.copy("src.img", to: "dst.img")
        try Tools.sh("truncate -s 2G '\(fx.path("dst.img"))'")
        // Allocated zeros in the tail are zeros too.
        try Tools.sh("dd if=/dev/zero of='\(fx.path("dst.img"))' bs=1M seek=1500 count=4 conv=notrunc status=none")
        let a = try serve("src.img"), b = try serve("dst.img")
        let r = try compare(a, b)
        XCTAssertEqual(r.status, .identical)
        XCTAssertEqual(r.exitCode, 0)
        XCTAssertEqual(r.sourceBytes, 1 << 30)
        XCTAssertEqual(r.targetBytes, 2 << 30)
        let info = try XCTUnwrap(r.findings.first { $0.code == "target-larger-than-source" })
        XCTAssertEqual(info.severity, .info)
        XCTAssertTrue(r.notes.contains { $0.contains("identical as far as the source reaches") }, "\(r.notes)")
    }

    func testLargerTargetWithDataInItsTailIsDifferent() throws {
        try fx.sparse("src.img", size: "1G")
        try fx.random("src.img", atMiB: 0, mib: 4)
        try fx.copy("src.img", to: "dst.img")
        try Tools.sh("truncate -s 1100M '\(fx.path("dst.img"))'")
        try fx.fill("dst.img", at: (1 << 30) + 8192, count: 512, byte: 1)
        let a = try serve("src.img"), b = try serve("dst.img")
        let r = try compare(a, b)
        XCTAssertEqual(r.status, .different)
        XCTAssertEqual(r.differences, [DifferingExtent(offset: (1 << 30) + 8192, length: 512)])
    }

    func testSmallerTargetIsDifferent() throws {
        try fx.sparse("src.img", size: "1G")
        try fx.random("src.img", atMiB: 0, mib: 4)
        try fx.copy("src.img", to: "dst.img")
        try Tools.sh("truncate -s 900M '\(fx.path("dst.img"))'")
        let a = try serve("src.img"), b = try serve("dst.img")
        let r = try compare(a, b)
        XCTAssertEqual(r.status, .different)
        XCTAssertEqual(r.exitCode, 1)
        XCTAssertEqual(r.differences, [DifferingExtent(offset: 900 << 20, length: 124 << 20)])
        XCTAssertEqual(r.findings.first { $0.code == "target-smaller-than-source" }?.severity, .critical)
    }

    func testEveryReadFailingIsNeverIdenticalAndListsTheRegion() throws {
        try fx.sparse("src.img", size: "256M")
        try fx.random("src.img", atMiB: 64, mib: 16)
        try fx.copy("src.img", to: "dst.img")
        let a = try serve("src.img")
        let b = try serve("dst.img", filters: ["error"], args: ["error-pread=EIO", "error-pread-rate=100%"])
        let r = try compare(a, b)
        XCTAssertEqual(r.status, .incomplete)
        XCTAssertFalse(r.identical)
        XCTAssertEqual(r.exitCode, 2)
        XCTAssertEqual(r.unreadable.map(\.offset), [64 << 20])
        XCTAssertEqual(r.unreadable.map(\.length), [16 << 20])
        XCTAssertTrue(r.unreadable[0].error?.contains("target") == true, "\(r.unreadable)")
        let f = try XCTUnwrap(r.findings.first { $0.code == "unreadable-region" })
        XCTAssertEqual(f.evidence["inconclusive"], .bool(true))
        XCTAssertFalse(f.severity.fails, "unreadable is inconclusive, not a failure")
    }

    func testSomeReadsFailingIsNeverIdentical() throws {
        try fx.sparse("src.img", size: "256M")
        try fx.random("src.img", atMiB: 0, mib: 128)
        try fx.copy("src.img", to: "dst.img")
        let a = try serve("src.img", filters: ["error"], args: ["error-pread=EIO", "error-pread-rate=5%"])
        let b = try serve("dst.img")
        let r = try compare(a, b)
        XCTAssertEqual(r.status, .incomplete)
        XCTAssertFalse(r.unreadable.isEmpty)
        XCTAssertEqual(r.differences, [], "failed reads are not differences")
        let unread = r.unreadable.reduce(UInt64(0)) { $0 + $1.length }
        XCTAssertEqual(r.bytesCompared + unread, 128 << 20, "every allocated byte is compared or listed")
    }

    func testServerKilledMidwayEndsIncompleteNotHanging() throws {
        try fx.sparse("src.img", size: "1G")
        try fx.random("src.img", atMiB: 0, mib: 64)
        try fx.copy("src.img", to: "dst.img")
        let a = try serve("src.img")
        // Slow reads on the target so the kill lands while requests are in flight.
        let b = try serve("dst.img", filters: ["delay"], args: ["rdelay=50ms"])
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { b.kill() }
        let started = Date()
        let r = try compare(a, b)
        XCTAssertLessThan(Date().timeIntervalSince(started), 20)
        XCTAssertEqual(r.status, .incomplete)
        XCTAssertFalse(r.unreadable.isEmpty)
        let unread = r.unreadable.reduce(UInt64(0)) { $0 + $1.length }
        XCTAssertEqual(r.bytesCompared + unread, 64 << 20, "what was not compared is listed")
    }

    func testCancellationStopsWithAnInterruptedPartialResult() throws {
        try fx.sparse("src.img", size: "1G")
        try fx.random("src.img", atMiB: 0, mib: 64)
        try fx.copy("src.img", to: "dst.img")
        let a = try serve("src.img", filters: ["delay"], args: ["rdelay=1"])
        let b = try serve("dst.img")
        let cancellation = Cancellation()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { cancellation.cancel() }
        let r = try compare(a, b, CompareOptions(cancellation: cancellation))
        XCTAssertTrue(r.interrupted)
        XCTAssertEqual(r.status, .incomplete)
        XCTAssertEqual(r.exitCode, 2)
        XCTAssertLessThan(r.bytesCompared, 64 << 20)
        XCTAssertTrue(r.notes.contains { $0.contains("interrupted") }, "\(r.notes)")
    }

    func testLocalFilesAreComparedThroughPread() throws {
        try fx.sparse("src.img", size: "300M")
        try fx.random("src.img", atMiB: 100, mib: 20)
        try fx.copy("src.img", to: "dst.img")
        try fx.fill("dst.img", at: 110 << 20, count: 512, byte: 7)
        let r = try ContentComparator.compare(source: .file(path: fx.path("src.img")), target: .file(path: fx.path("dst.img")))
        XCTAssertEqual(r.differences, [DifferingExtent(offset: 110 << 20, length: 512)])
        XCTAssertEqual(r.bytesCompared, 20 << 20)
        let same = try ContentComparator.compare(source: .file(path: fx.path("src.img")), target: .file(path: fx.path("src.img")))
        XCTAssertEqual(same.status, .identical)
    }

    func testSeveralConnectionsAndSmallRequestsGiveTheSameAnswer() throws {
        try fx.sparse("src.img", size: "512M")
        try fx.random("src.img", atMiB: 0, mib: 96)
        try fx.copy("src.img", to: "dst.img")
        try fx.fill("dst.img", at: (90 << 20) + 512, count: 1536, byte: 3)
        let a = try serve("src.img"), b = try serve("dst.img")
        for (connections, size) in [(1, 65536), (3, 1 << 20), (4, 4 << 20)] {
            let r = try compare(a, b, CompareOptions(requestsInFlight: 4, requestBytes: size, connections: connections,
                                                     windowBytes: 32 << 20))
            XCTAssertEqual(r.differences, [DifferingExtent(offset: (90 << 20) + 512, length: 1536)], "\(connections) × \(size)")
            XCTAssertEqual(r.bytesCompared, 96 << 20)
        }
    }

    func testASilentServerEndsInATimeoutWithTheRegionListed() throws {
        try fx.sparse("src.img", size: "64M")
        try fx.random("src.img", atMiB: 8, mib: 4)
        try fx.copy("src.img", to: "dst.img")
        let a = try serve("src.img")
        let b = try serve("dst.img", filters: ["delay"], args: ["rdelay=4"])
        let started = Date()
        let r = try ContentComparator.compare(source: .nbd(uri: a.uri()), target: .nbd(uri: b.uri()),
                                              volumeOptions: VolumeOptions(timeout: .seconds(1)))
        XCTAssertLessThan(Date().timeIntervalSince(started), 4, "the 1 s timeout fires before the 4 s reply")
        XCTAssertEqual(r.status, .incomplete)
        XCTAssertEqual(r.unreadable.map(\.offset), [8 << 20])
        XCTAssertEqual(r.unreadable.map(\.length), [4 << 20])
        XCTAssertTrue(r.unreadable[0].error?.contains("--timeout") == true, "\(r.unreadable)")
    }

    func testWithoutBlockStatusEverythingIsReadAndCompared() throws {
        try fx.sparse("src.img", size: "96M")
        try fx.random("src.img", atMiB: 32, mib: 8)
        try fx.copy("src.img", to: "dst.img")
        let a = try serve("src.img", filters: ["noextents"]), b = try serve("dst.img", filters: ["noextents"])
        let r = try compare(a, b)
        XCTAssertEqual(r.status, .identical)
        XCTAssertEqual(r.bytesSkippedAsHoles, 0)
        XCTAssertEqual(r.bytesCompared, 96 << 20)
    }
}
