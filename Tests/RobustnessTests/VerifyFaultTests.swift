import Foundation
import TestSupport
import XCTest

/// `verify` and `compare` against servers that fail, stall or die. The run always ends,
/// the reports are written, and the verdict is never pass.
final class VerifyFaultTests: XCTestCase {
    var dir: URL!
    let inventory = Repository.fixture("inventories/demo-pgtest1.json").path

    override func setUpWithError() throws {
        dir = try TemporaryDirectory.make(prefix: "verify-faults")
        try Tools.run("/bin/bash", [Repository.fixture("make-seed.sh").path, dir.path], timeout: 600)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    private func image(_ name: String) -> String { dir.appendingPathComponent(name).path }

    private func report(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: dir.appendingPathComponent(name).appendingPathComponent("report.json"))
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    private func disk(_ report: [String: Any], _ key: String) -> [String: Any]? {
        (report["disks"] as? [[String: Any]])?.first { $0["key"] as? String == key }
    }

    private func codes(_ disk: [String: Any]?) -> [String] {
        (disk?["findings"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
    }

    func testFailingReadsOnACorrectCopyAreInconclusiveWithTheRegionsListed() throws {
        let good = try NBDKitServer(plugin: "file", args: ["file=\(image("vol2000.img"))"])
        let failing = try NBDKitServer(plugin: "file", args: ["file=\(image("vol2001.img"))", "error-pread=EIO",
                                                              "error-pread-rate=100%"], filters: ["error"])
        let run = try Repository.runTool(["verify", "--inventory", inventory, "--content", "none",
                                          "--nbd-targets", "2000:\(good.uri()),2001:\(failing.uri())",
                                          "--report-dir", dir.appendingPathComponent("eio").path])
        XCTAssertEqual(run.status, 3, run.stdout + run.stderr)
        let doc = try report("eio")
        XCTAssertEqual(doc["verdict"] as? String, "inconclusive")
        let d2001 = disk(doc, "2001")
        XCTAssertEqual(d2001?["verdict"] as? String, "inconclusive")
        let unreadable = (d2001?["findings"] as? [[String: Any]] ?? []).first { $0["code"] as? String == "unreadable-region" }
        let evidence = try XCTUnwrap(unreadable?["evidence"] as? [String: Any], "\(codes(d2001))")
        XCTAssertFalse("\(evidence)".isEmpty)
        XCTAssertTrue("\(evidence)".contains("offset"), "the regions must be listed: \(evidence)")
        XCTAssertEqual(disk(doc, "2000")?["verdict"] as? String, "pass")
    }

    func testFailingReadsNeverHideAFailure() throws {
        // 30% of reads fail on the contaminated volume: what can be read still fails it.
        let contaminated = try NBDKitServer(plugin: "file", args: ["file=\(image("vol2000-contaminated.img"))",
                                                                   "error-pread=EIO", "error-pread-rate=30%"],
                                            filters: ["error"])
        let good = try NBDKitServer(plugin: "file", args: ["file=\(image("vol2001.img"))"])
        let run = try Repository.runTool(["verify", "--inventory", inventory, "--content", "none",
                                          "--nbd-targets", "2000:\(contaminated.uri()),2001:\(good.uri())",
                                          "--report-dir", dir.appendingPathComponent("eio-fail").path])
        XCTAssertTrue([1, 3].contains(run.status), run.stdout + run.stderr)
        XCTAssertNotEqual(try report("eio-fail")["verdict"] as? String, "pass")
    }

    func testSlowServerEndsWithAClearTimeoutAndExitThree() throws {
        let slow = try NBDKitServer(plugin: "file", args: ["file=\(image("vol2001.img"))", "rdelay=20"], filters: ["delay"])
        let good = try NBDKitServer(plugin: "file", args: ["file=\(image("vol2000.img"))"])
        let start = Date()
        let run = try Repository.runTool(["verify", "--inventory", inventory, "--content", "none", "--timeout", "1",
                                          "--nbd-targets", "2000:\(good.uri()),2001:\(slow.uri())",
                                          "--report-dir", dir.appendingPathComponent("slow").path], timeout: 120)
        XCTAssertLessThan(Date().timeIntervalSince(start), 30, "the timeout did not bound the run")
        XCTAssertEqual(run.status, 3, run.stdout + run.stderr)
        let d2001 = disk(try report("slow"), "2001")
        XCTAssertEqual(d2001?["verdict"] as? String, "inconclusive")
        XCTAssertTrue("\(d2001 ?? [:])".contains("--timeout"), "\(d2001 ?? [:])")
    }

    /// Starts `replica-audit ARGS` in the background; the caller waits.
    private func start(_ arguments: [String]) throws -> (Process, URL, URL) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Repository.binary())
        process.arguments = arguments
        let out = dir.appendingPathComponent(UUID().uuidString + ".out"), err = dir.appendingPathComponent(UUID().uuidString + ".err")
        try Data().write(to: out)
        try Data().write(to: err)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        return (process, out, err)
    }

    private func wait(_ process: Process, seconds: TimeInterval) {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        XCTAssertFalse(process.isRunning, "still running after the server died")
        if process.isRunning { process.terminate() }
    }

    /// disk 2001 and an identical copy, both with 512 MiB of the same random data inside
    /// partition 1, so that a full compare has real data to read.
    private func makeDataPair() throws {
        try Tools.sh("""
            cd '\(dir.path)'
            head -c 512M /dev/urandom > data.bin
            cp --sparse=always disk2001.img src2001-data.img
            dd if=data.bin of=src2001-data.img bs=1M seek=100 conv=notrunc,sparse status=none
            cp --sparse=always src2001-data.img vol2001-data.img
            rm data.bin
            """)
    }

    func testServerKilledDuringFullVerifyLeavesAPartialReportAndExitThree() throws {
        // Each read of the target takes 100 ms, so the full compare of 512 MiB runs for seconds.
        try makeDataPair()
        let source = try NBDKitServer(plugin: "file", args: ["file=\(image("src2001-data.img"))"])
        let target = try NBDKitServer(plugin: "file", args: ["file=\(image("vol2001-data.img"))", "rdelay=100ms"], filters: ["delay"])
        let source0 = try NBDKitServer(plugin: "file", args: ["file=\(image("disk2000.img"))"])
        let target0 = try NBDKitServer(plugin: "file", args: ["file=\(image("vol2000.img"))"])
        let (process, out, err) = try start([
            "verify", "--inventory", inventory, "--content", "full", "--timeout", "5",
            "--nbd-targets", "2000:\(target0.uri()),2001:\(target.uri())",
            "--nbd-sources", "2000:\(source0.uri()),2001:\(source.uri())",
            "--report-dir", dir.appendingPathComponent("killed").path])
        sleep(2)
        XCTAssertTrue(process.isRunning, "finished before the server was killed: the test proves nothing")
        target.kill()
        wait(process, seconds: 60)
        let stderr = (try? String(contentsOf: err, encoding: .utf8)) ?? ""
        let stdout = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
        XCTAssertEqual(process.terminationStatus, 3, stdout + stderr)
        let doc = try report("killed")
        XCTAssertEqual(doc["verdict"] as? String, "inconclusive")
        XCTAssertEqual(disk(doc, "2001")?["verdict"] as? String, "inconclusive")
    }

    func testServerKilledDuringCompareIsAnErrorNotIdentical() throws {
        try makeDataPair()
        let source = try NBDKitServer(plugin: "file", args: ["file=\(image("src2001-data.img"))"])
        let target = try NBDKitServer(plugin: "file", args: ["file=\(image("vol2001-data.img"))", "rdelay=100ms"], filters: ["delay"])
        let (process, out, err) = try start(["compare", source.uri(), target.uri(), "--timeout", "5", "--format", "json"])
        sleep(2)
        XCTAssertTrue(process.isRunning, "finished before the server was killed: the test proves nothing")
        target.kill()
        wait(process, seconds: 60)
        XCTAssertEqual(process.terminationStatus, 2, (try? String(contentsOf: err, encoding: .utf8)) ?? "")
        let stdout = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
        XCTAssertFalse(stdout.contains("\"identical\" : true"), stdout)
    }
}
