import Foundation
import TestSupport
import XCTest

/// `--jobs` bounds the connections of the whole wave, and Ctrl-C still writes what finished.
final class WaveConcurrencyTests: XCTestCase {
    /// Six VMs of two disks on one nbdkit (one export per volume, hard links of the rounded
    /// copy; VM 2's disks swapped): the same verdicts at --jobs 1 and --jobs 4, and the log
    /// filter never sees more connections open at once than --jobs.
    func testJobsBoundTheWholeWaveAndDoNotChangeVerdicts() throws {
        let fixture = try WaveFixture()
        try fixture.build("make-verify-rounded.sh", into: "rounded")
        try FileManager.default.createDirectory(atPath: fixture.path("exports"), withIntermediateDirectories: true)
        var entries = ""
        for index in 0..<6 {
            let (first, second) = index == 2 ? ("vol2001", "vol2000") : ("vol2000", "vol2001")
            try FileManager.default.linkItem(atPath: fixture.path("rounded/\(first).img"), toPath: fixture.path("exports/vm\(index)-a.img"))
            try FileManager.default.linkItem(atPath: fixture.path("rounded/\(second).img"), toPath: fixture.path("exports/vm\(index)-b.img"))
            try fixture.manifest(vm: "vm\(index)", disks: WaveFixture.roundedDisks)
        }
        var verdicts: [Int: [String?]] = [:]
        for jobs in [1, 4] {
            let server = try fixture.serveDirectory("exports", logRequests: true)
            entries = ""
            for index in 0..<6 {
                entries += "  - inventory: inv/vm\(index).yaml\n    targets: {2000: \"\(server.uri(export: "vm\(index)-a.img"))\", "
                    + "2001: \"\(server.uri(export: "vm\(index)-b.img"))\"}\n"
            }
            let wave = try fixture.waveFile("wave: jobs\nvms:\n" + entries, name: "jobs\(jobs).yaml")
            let run = try WaveResult([wave, "--jobs", "\(jobs)"], directory: fixture.path("out\(jobs)"))
            XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
            XCTAssertEqual(run.wave["jobs"] as? Int, jobs)
            verdicts[jobs] = run.vms.map { $0["verdict"] as? String }
            server.stop()
            let peak = peakConnections(logs: [try XCTUnwrap(server.logPath)])
            XCTAssertLessThanOrEqual(peak, jobs, "jobs \(jobs)")
            XCTAssertGreaterThanOrEqual(peak, 1)
            if jobs == 4 { XCTAssertGreaterThanOrEqual(peak, 2, "four slots, six VMs: VMs ran side by side") }
            // Every volume was read: 12 connections, each one closed.
            let log = try String(contentsOfFile: try XCTUnwrap(server.logPath), encoding: .utf8)
            XCTAssertEqual(log.components(separatedBy: " Connect ").count - 1, 12)
            XCTAssertEqual(log.components(separatedBy: " Disconnect ").count - 1, 12)
        }
        XCTAssertEqual(verdicts[1], ["pass", "pass", "fail", "pass", "pass", "pass"])
        XCTAssertEqual(verdicts[1], verdicts[4])
    }

    /// A VM whose server accepts but never finishes the handshake holds one slot until its
    /// --timeout; the other VMs go on through the other slot and are done long before it.
    func testAStalledVMDoesNotHoldUpTheRest() throws {
        let fixture = try WaveFixture()
        try fixture.build("make-verify-rounded.sh", into: "rounded")
        let quick = try fixture.serveDirectory("rounded")
        let stalled = try fixture.serve("rounded/vol2000.img", filters: ["delay"], args: ["delay-open=60"])
        try fixture.manifest(vm: "stalled", disks: [(2000, "Hard disk 1", 11_274_289_152)])
        var entries = "  - {inventory: inv/stalled.yaml, targets: \"2000:\(stalled.uri())\"}\n"
        for index in 0..<4 {
            try fixture.manifest(vm: "quick\(index)", disks: [(2000, "Hard disk 1", 11_274_289_152)])
            try FileManager.default.linkItem(atPath: fixture.path("rounded/vol2000.img"), toPath: fixture.path("rounded/q\(index).img"))
            entries += "  - {inventory: inv/quick\(index).yaml, targets: \"2000:\(quick.uri(export: "q\(index).img"))\"}\n"
        }
        let wave = try fixture.waveFile("wave: stall\nvms:\n" + entries)
        let started = Date()
        let run = try WaveResult([wave, "--jobs", "2", "--timeout", "8", "--connect-retries", "0"], directory: fixture.path("out"))
        XCTAssertEqual(run.status, 3, run.stdout + run.stderr)
        XCTAssertEqual(run.verdict("stalled"), "inconclusive")
        let done = { (name: String) throws -> Date in
            let path = fixture.path("out/\(name)/report.json")
            return try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date)
        }
        for index in 0..<4 {
            XCTAssertEqual(run.verdict("quick\(index)"), "pass")
            XCTAssertLessThan(try done("quick\(index)"), try done("stalled"), "quick\(index) waited for the stalled VM")
        }
        XCTAssertGreaterThanOrEqual(try done("stalled").timeIntervalSince(started), 7, "the stalled VM's timeout was honoured")
        XCTAssertLessThan(Date().timeIntervalSince(started), 60)
    }

    /// Ctrl-C in the middle of a wave: the VMs under way finish, no new one starts, wave.json
    /// and junit.xml are written with the rest "not-run", and the exit is inconclusive (3).
    func testInterruptWritesWhatFinishedAndMarksTheRestNotRun() throws {
        let fixture = try WaveFixture()
        try fixture.build("make-verify-rounded.sh", into: "rounded")
        // Every read takes 20 ms: a VM takes a few seconds, so the signal lands mid-wave.
        let server = try fixture.serveDirectory("rounded", filters: ["delay"], args: ["rdelay=20ms"])
        var entries = ""
        for index in 0..<5 {
            try fixture.manifest(vm: "slow\(index)", disks: [(2000, "Hard disk 1", 11_274_289_152)])
            try FileManager.default.linkItem(atPath: fixture.path("rounded/vol2000.img"), toPath: fixture.path("rounded/slow\(index).img"))
            entries += "  - inventory: inv/slow\(index).yaml\n    targets: \"2000:\(server.uri(export: "slow\(index).img"))\"\n"
        }
        let wave = try fixture.waveFile("wave: slow\nvms:\n" + entries)
        let out = fixture.path("out")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Repository.binary())
        process.arguments = ["wave", wave, "--jobs", "1", "--report-dir", out]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: out + "/slow0/report.json"), process.isRunning, Date() < deadline {
            usleep(50_000)
        }
        XCTAssertTrue(process.isRunning, "the wave ended before it could be interrupted")
        kill(process.processIdentifier, SIGINT)
        while process.isRunning, Date() < deadline { usleep(50_000) }
        XCTAssertFalse(process.isRunning, "the wave did not stop after Ctrl-C")
        XCTAssertEqual(process.terminationStatus, 3)
        let data = try Data(contentsOf: URL(fileURLWithPath: out + "/wave.json"))
        let document = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(document["interrupted"] as? Bool, true)
        XCTAssertEqual(document["verdict"] as? String, "inconclusive")
        let vms = document["vms"] as? [[String: Any]] ?? []
        XCTAssertEqual(vms.count, 5)
        XCTAssertEqual(vms.first?["verdict"] as? String, "pass")
        let notRun = vms.filter { $0["verdict"] as? String == "not-run" }
        XCTAssertGreaterThanOrEqual(notRun.count, 2, "\(vms.map { $0["verdict"] ?? "?" })")
        XCTAssertTrue(notRun.allSatisfy { $0["reportDir"] is NSNull })
        // What ran has its reports; what did not run has none, and junit.xml skips it.
        for vm in vms where vm["verdict"] as? String != "not-run" {
            XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/" + (vm["reportDir"] as? String ?? "?") + "/report.json"), "\(vm)")
        }
        let junit = try JUnitCounts(path: out + "/junit.xml")
        XCTAssertEqual(junit.skipped, notRun.count)
        XCTAssertEqual(junit.suites.count, 5)
    }
}
