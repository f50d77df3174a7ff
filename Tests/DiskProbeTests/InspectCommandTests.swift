import DiskProbe
import Foundation
import TestSupport
import XCTest

/// `replica-audit inspect`, run as the built binary: the JSON contract, file vs NBD, exit
/// codes, the text view, and a read-only request log.
final class InspectCommandTests: XCTestCase {
    nonisolated(unsafe) static var seed: FixtureDirectory?

    override class func setUp() {
        super.setUp()
        seed = try? FixtureDirectory.build("make-seed.sh")
    }

    override class func tearDown() {
        seed?.remove()
        super.tearDown()
    }

    private func contaminated() throws -> String {
        try XCTUnwrap(Self.seed, "Fixtures/make-seed.sh failed").image("vol2000-contaminated")
    }

    private func json(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
    }

    func testJSONOverNBDCarriesTheContractFields() throws {
        let server = try NBDKitServer(plugin: "file", args: ["file=\(try contaminated())"], logRequests: true)
        let run = try Repository.runTool(["inspect", server.uri(), "--format", "json"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stderr, "")
        let doc = try json(run.stdout)
        XCTAssertEqual(doc["target"] as? String, server.uri())
        XCTAssertEqual((doc["sizeBytes"] as? NSNumber)?.uint64Value, 123_480_309_760)
        XCTAssertEqual(doc["sectorSize"] as? Int, 512)
        let table = try XCTUnwrap(doc["partitionTable"] as? [String: Any])
        XCTAssertEqual(table["type"] as? String, "gpt")
        XCTAssertEqual((table["impliedDiskBytes"] as? NSNumber)?.uint64Value, 10_737_418_240)
        let gpt = try XCTUnwrap(table["gpt"] as? [String: Any])
        XCTAssertEqual(gpt["alternateLBA"] as? Int, 20_971_519)
        XCTAssertEqual(gpt["lastUsableLBA"] as? Int, 20_971_486)
        let partitions = try XCTUnwrap(doc["partitions"] as? [[String: Any]])
        XCTAssertEqual(partitions.count, 2)
        for key in ["number", "startBytes", "sizeBytes", "type", "uuid", "filesystem"] {
            XCTAssertNotNil(partitions[0][key], "partitions[].\(key)")
        }
        let fs = try XCTUnwrap(partitions[0]["filesystem"] as? [String: Any])
        XCTAssertEqual(fs["uuid"] as? String, "20010001-da7a-4e00-8000-000000002001")
        XCTAssertTrue(doc["filesystem"] is NSNull)
        let end = try XCTUnwrap((doc["witnesses"] as? [String: Any])?["endGPT"] as? [String: Any])
        XCTAssertEqual(end["diskGUID"] as? String, "2000AAAA-0000-4000-8000-000000002000")
        let findingCodes = try XCTUnwrap(doc["findings"] as? [[String: Any]]).compactMap { $0["code"] as? String }
        XCTAssertTrue(findingCodes.contains("stale-label-at-end"), "\(findingCodes)")
        // Sorted keys: "filesystem" before "findings" before "partitionTable" at the top level.
        let order = ["\"filesystem\"", "\"findings\"", "\"partitionTable\"", "\"sizeBytes\"", "\"target\""]
            .compactMap { run.stdout.range(of: "\n  " + $0)?.lowerBound }
        XCTAssertEqual(order.count, 5)
        XCTAssertEqual(order, order.sorted())

        server.stop()
        let counts = try server.requestCounts()
        XCTAssertGreaterThan(counts["Read", default: 0], 0)
        XCTAssertEqual(Set(counts.keys).subtracting(["Read", "Extents"]), [], "requests seen: \(counts)")
    }

    func testSameJSONAsLocalFileApartFromTarget() throws {
        let image = try contaminated()
        let server = try NBDKitServer(plugin: "file", args: ["file=\(image)"])
        let overNBD = try Repository.runTool(["inspect", server.uri(), "--format", "json"])
        let asFile = try Repository.runTool(["inspect", image, "--format", "json"])
        XCTAssertEqual(overNBD.status, 0, overNBD.stderr)
        XCTAssertEqual(asFile.status, 0, asFile.stderr)
        let strip = { (text: String) in
            text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("  \"target\" : ") }
        }
        XCTAssertEqual(strip(overNBD.stdout), strip(asFile.stdout))
        XCTAssertNotEqual(overNBD.stdout, asFile.stdout)
    }

    func testTextViewReadsLikeFdiskBlkidAndWitnesses() throws {
        let run = try Repository.runTool(["inspect", try contaminated()])
        XCTAssertEqual(run.status, 0, run.stderr)
        for expected in ["115 GiB, 123480309760 bytes", "Disklabel type: gpt", "Disk identifier: 2001BBBB-0000-4000-8000-000000002001",
                         "Alternate LBA: 20971519", "Label written for: 10 GiB", "8 GiB", "pgdata",
                         "UUID=\"20010001-da7a-4e00-8000-000000002001\" TYPE=\"ext4\"",
                         "GPT at device end at LBA 241172479: disk GUID 2000AAAA-0000-4000-8000-000000002000",
                         "[warning] stale-label-at-end"] {
            XCTAssertTrue(run.stdout.contains(expected), "missing \(expected) in\n\(run.stdout)")
        }
    }

    func testUnopenableTargetExitsThreeWithOneLine() throws {
        let dir = try TemporaryDirectory.make(prefix: "inspect")
        defer { try? FileManager.default.removeItem(at: dir) }
        let missing = try Repository.runTool(["inspect", dir.appendingPathComponent("absent.img").path])
        XCTAssertEqual(missing.status, 3)
        XCTAssertEqual(missing.stdout, "")
        XCTAssertEqual(missing.stderr.split(separator: "\n").count, 1, missing.stderr)
        XCTAssertTrue(missing.stderr.contains("No such file"), missing.stderr)
        let socket = try Repository.runTool(["inspect", "nbd+unix:///x?socket=\(dir.path)/none.sock",
                                             "--connect-retries", "0", "--timeout", "2"])
        XCTAssertEqual(socket.status, 3, socket.stderr)
        XCTAssertEqual(socket.stderr.split(separator: "\n").count, 1, socket.stderr)
    }

    func testUnreadableVolumePrintsTheIncompleteResultAndExitsThree() throws {
        let server = try NBDKitServer(plugin: "file", args: ["file=\(try contaminated())", "error-pread=EIO", "error-pread-rate=100%"],
                                      filters: ["error"])
        let run = try Repository.runTool(["inspect", server.uri(), "--format", "json"])
        XCTAssertEqual(run.status, 3, run.stderr)
        XCTAssertEqual(run.stderr.split(separator: "\n").count, 1, run.stderr)
        XCTAssertTrue(run.stderr.contains("incomplete"), run.stderr)
        let doc = try json(run.stdout)
        XCTAssertTrue(doc["partitionTable"] is NSNull)
        XCTAssertFalse(try XCTUnwrap(doc["unreadableRegions"] as? [Any]).isEmpty)
    }

    func testUsageErrorsExitTwo() throws {
        XCTAssertEqual(try Repository.runTool(["inspect"]).status, 2)
        XCTAssertEqual(try Repository.runTool(["inspect", "x.img", "--format", "xml"]).status, 2)
        XCTAssertEqual(try Repository.runTool(["inspect", "x.img", "--sector-size", "1000"]).status, 2)
        // Issue 18.8: an unsupported URI is a target that cannot be opened, exit 3 like any other.
        XCTAssertEqual(try Repository.runTool(["inspect", "ftp://host/x"]).status, 3)
        let help = try Repository.runTool(["inspect", "--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.contains("impliedDiskBytes"), help.stdout)
        XCTAssertTrue(help.stdout.contains("--sector-size"), help.stdout)
    }
}
