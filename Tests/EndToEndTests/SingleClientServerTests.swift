import Foundation
import TestSupport
import XCTest

/// qemu-nbd as people run it serves one client and exits when it leaves (issue 9.6): the
/// content checks must reuse the probe's connection, never wait for a second one.
final class SingleClientServerTests: XCTestCase {
    func scenario() throws -> Scenario {
        if let s = DataPresenceTests.shared { return s }
        let s = try Scenario(script: "make-data-cases.sh")
        DataPresenceTests.shared = s
        return s
    }

    func run(content: String) throws {
        let s = try scenario()
        let inventory = try s.inventory(vm: "single1", disks: [(2000, "Hard disk 1", 1 << 30), (2001, "Hard disk 2", 256 << 20)])
        // Default qemu-nbd: --shared=1 and no --persistent.
        let servers = try ["src2000.img", "src2001.img", "vol2000.img", "vol2001.img"].map { try QEMUNBDServer(image: s.image($0)) }
        let started = Date()
        let run = try VerifyResult(["--inventory", inventory,
                                    "--nbd-targets", "2000:\(servers[2].uri),2001:\(servers[3].uri)",
                                    "--nbd-sources", "2000:\(servers[0].uri),2001:\(servers[1].uri)",
                                    "--content", content, "--timeout", "20", "--jobs", "2"],
                                   reportDirectory: s.reportDirectory("single-\(content)"))
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        XCTAssertEqual(run.verdict, "pass")
        XCTAssertFalse(run.allCodes.contains("unreadable-region"), "\(run.allCodes)")
        XCTAssertEqual((run.report["content"] as? [String: Any])?["compared"] as? Bool, true)
        XCTAssertLessThan(elapsed, 15, "verify --content \(content) waited on a one-client server")
    }

    func testContentSampleOverOneClientServersCompletes() throws { try run(content: "sample") }

    func testContentFullOverOneClientServersCompletes() throws { try run(content: "full") }

    func testCompareOverPersistentOneClientServers() throws {
        let s = try scenario()
        let source = try QEMUNBDServer(image: s.image("src2001.img"), persistent: true)
        let target = try QEMUNBDServer(image: s.image("vol2001.img"), persistent: true)
        for extra in [[], ["--sample"]] {
            let started = Date()
            let run = try Repository.runTool(["compare", source.uri, target.uri, "--timeout", "20"] + extra)
            XCTAssertEqual(run.status, 0, "\(extra): \(run.stdout) \(run.stderr)")
            XCTAssertLessThan(Date().timeIntervalSince(started), 15)
        }
    }

    func testCaptureAndVerifyAgainstTheBaselineOverOneClientServers() throws {
        let s = try scenario()
        let inventory = try s.inventory(vm: "single2", disks: [(2001, "Hard disk 2", 256 << 20)])
        let baseline = s.directory.appendingPathComponent("single2-baseline.json").path
        let source = try QEMUNBDServer(image: s.image("src2001.img"))
        let started = Date()
        let capture = try Repository.runTool(["capture", "--inventory", inventory, "--source", "2001=\(source.uri)",
                                              "--content", "sample", "--output", baseline, "--timeout", "20"])
        XCTAssertEqual(capture.status, 0, capture.stdout + capture.stderr)
        let target = try QEMUNBDServer(image: s.image("vol2001.img"))
        let run = try VerifyResult(["--inventory", inventory, "--target", "2001=\(target.uri)", "--baseline", baseline,
                                    "--timeout", "20"], reportDirectory: s.reportDirectory("single-baseline"))
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        XCTAssertEqual((run.report["content"] as? [String: Any])?["compared"] as? Bool, true)
        XCTAssertLessThan(Date().timeIntervalSince(started), 20)
    }

    func testServersThatAdvertiseMultiConnButAcceptOneClient() throws {
        // nbdkit's file plugin advertises multi-conn; the limit filter still refuses a second client.
        let s = try scenario()
        let inventory = try s.inventory(vm: "single3", disks: [(2001, "Hard disk 2", 256 << 20)])
        try s.serve("limit-src", image: "src2001.img", filters: ["limit"], args: ["limit=1"])
        try s.serve("limit-vol", image: "vol2001.img", filters: ["limit"], args: ["limit=1"])
        for content in ["sample", "full"] {
            let run = try VerifyResult(["--inventory", inventory, "--target", "2001=\(s.uri("limit-vol"))",
                                        "--source", "2001=\(s.uri("limit-src"))", "--content", content, "--timeout", "20"],
                                       reportDirectory: s.reportDirectory("limit-\(content)"))
            XCTAssertEqual(run.status, 0, "\(content): \(run.stdout) \(run.stderr)")
            XCTAssertFalse(run.allCodes.contains("unreadable-region"), "\(content): \(run.allCodes)")
        }
    }
}
