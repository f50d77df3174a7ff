import Foundation
import TestSupport
import XCTest

/// Proof of read-only behaviour: every volume is served through nbdkit's log filter, and
/// across `inspect`, `capture`, `verify` in every content mode, `compare` and `preflight`, the servers
/// see only read and block-status requests — no write, trim, zero, flush or cache.
final class ReadOnlyProofTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = try TemporaryDirectory.make(prefix: "readonly")
        try Tools.run("/bin/bash", [Repository.fixture("make-seed.sh").path, dir.path], timeout: 600)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    private func image(_ name: String) -> String { dir.appendingPathComponent(name).path }

    /// The NBD commands a read-only client may send, as the log filter names them.
    static let allowed: Set<String> = ["Read", "Extents", "BlockStatus"]

    private func assertReadOnly(_ servers: [String: NBDKitServer], after step: String) throws {
        for (name, server) in servers {
            let counts = try server.requestCounts()
            let forbidden = Set(counts.keys).subtracting(Self.allowed)
            XCTAssertEqual(forbidden, [], "\(step): \(name) received \(counts)")
            for command in ["Write", "Trim", "Zero", "Flush", "Cache"] {
                XCTAssertNil(counts[command], "\(step): \(name) received \(command)")
            }
        }
    }

    func testEveryCommandSendsOnlyReadsAndBlockStatus() throws {
        let servers = [
            "source 2000": try NBDKitServer(plugin: "file", args: ["file=\(image("disk2000.img"))"], logRequests: true),
            "source 2001": try NBDKitServer(plugin: "file", args: ["file=\(image("disk2001.img"))"], logRequests: true),
            "target 2000": try NBDKitServer(plugin: "file", args: ["file=\(image("vol2000-contaminated.img"))"], logRequests: true),
            "target 2001": try NBDKitServer(plugin: "file", args: ["file=\(image("vol2001.img"))"], logRequests: true),
        ]
        let sources = "2000:\(servers["source 2000"]!.uri()),2001:\(servers["source 2001"]!.uri())"
        let targets = "2000:\(servers["target 2000"]!.uri()),2001:\(servers["target 2001"]!.uri())"
        let inventory = Repository.fixture("inventories/govc-vm-info-0.32.json").path
        var reads = 0

        let inspect = try Repository.runTool(["inspect", servers["target 2000"]!.uri(), "--format", "json"])
        XCTAssertEqual(inspect.status, 0, inspect.stderr)
        try assertReadOnly(servers, after: "inspect")

        let baseline = dir.appendingPathComponent("baseline.json").path
        let capture = try Repository.runTool(["capture", "--inventory", inventory, "--nbd-sources", sources, "--output", baseline])
        XCTAssertEqual(capture.status, 0, capture.stderr)
        try assertReadOnly(servers, after: "capture")

        for mode in ["none", "sample", "full"] {
            let run = try Repository.runTool(["verify", "--inventory", inventory, "--nbd-targets", targets,
                                              "--nbd-sources", sources, "--content", mode, "--seed", "7",
                                              "--report-dir", dir.appendingPathComponent("reports-\(mode)").path],
                                             timeout: 900)
            // The contaminated volume fails in every mode; what matters here is what was sent.
            XCTAssertEqual(run.status, 1, "verify --content \(mode): \(run.stderr)")
            try assertReadOnly(servers, after: "verify --content \(mode)")
        }
        let withBaseline = try Repository.runTool(["verify", "--inventory", inventory, "--nbd-targets", targets,
                                                   "--baseline", baseline, "--report-dir",
                                                   dir.appendingPathComponent("reports-baseline").path])
        XCTAssertEqual(withBaseline.status, 1, withBaseline.stderr)
        try assertReadOnly(servers, after: "verify --baseline")

        let compare = try Repository.runTool(["compare", servers["source 2001"]!.uri(), servers["target 2001"]!.uri()],
                                             timeout: 900)
        XCTAssertEqual(compare.status, 0, compare.stderr)
        try assertReadOnly(servers, after: "compare")

        // Issue 12: preflight (before the copy) reads the targets' ends, and nothing else.
        let preflight = try Repository.runTool(["preflight", "--inventory", inventory, "--nbd-targets", targets,
                                                "--report-dir", dir.appendingPathComponent("reports-preflight").path])
        XCTAssertEqual(preflight.status, 0, preflight.stdout + preflight.stderr)
        try assertReadOnly(servers, after: "preflight")

        for server in servers.values { reads += try server.requestCounts()["Read"] ?? 0 }
        XCTAssertGreaterThan(reads, 0, "the log filter saw no reads at all: the proof would be empty")
    }
}
