import TestSupport
import XCTest

/// The mapping gate, unreachable volumes and truncated volumes, on the seed's images.
final class MappingAndReachabilityTests: XCTestCase {
    func seedInventory(_ scenario: Scenario) throws -> String {
        try scenario.inventory(vm: "pgtest1", disks: [(2000, "Hard disk 1", 123_480_309_760), (2001, "Hard disk 2", 10_737_418_240)])
    }

    func testDuplicateMappingFailsBeforeAnyVolumeIsRead() throws {
        let scenario = try Scenario(script: "make-seed.sh")
        let server = try scenario.serve("vol2000", image: "vol2000-contaminated.img", logRequests: true)
        let inventory = try seedInventory(scenario)
        let uri = scenario.uri("vol2000")
        let run = try VerifyResult(["--inventory", inventory, "--nbd-targets", "2000:\(uri),2001:\(uri)"],
                                   reportDirectory: scenario.reportDirectory("duplicate"))
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        XCTAssertEqual(run.verdict, "fail")
        let duplicate = try XCTUnwrap(run.vmFindings.first { $0["code"] as? String == "duplicate-target" })
        XCTAssertEqual(duplicate["severity"] as? String, "critical")
        XCTAssertEqual(Set((duplicate["evidence"] as? [String: Any])?["keys"] as? [String] ?? []), ["2000", "2001"])
        // Not one request reached the server: the gate closed before any volume was opened.
        XCTAssertEqual(try server.requestCounts(), [:])
        // Control: the same server, mapped once, is read (and only read) — the log does see requests.
        try scenario.serve("vol2001", image: "vol2001.img")
        let control = try VerifyResult(["--inventory", inventory, "--nbd-targets", "2000:\(uri),2001:\(scenario.uri("vol2001"))"],
                                       reportDirectory: scenario.reportDirectory("control"))
        XCTAssertEqual(control.status, 1, control.stdout + control.stderr)
        let counts = try server.requestCounts()
        XCTAssertGreaterThan(counts["Read"] ?? 0, 0, "\(counts)")
        XCTAssertEqual(Set(counts.keys).subtracting(["Read", "Extents"]), [], "only reads: \(counts)")
        for key in ["2000", "2001"] {
            XCTAssertEqual(run.disk(key)?["verdict"] as? String, "fail")
            XCTAssertTrue(run.disk(key)?["actualBytes"] is NSNull)
        }
    }

    func testDuplicateMappingOfAnUnreachableTargetIsNotReportedAsUnreachable() throws {
        let scenario = try Scenario(script: "make-seed.sh")
        let inventory = try seedInventory(scenario)
        // Two spellings of one dead socket: still one target, and never opened.
        let dead = scenario.deadURI
        let respelled = dead.replacingOccurrences(of: "socket=", with: "socket=/.")
        let run = try VerifyResult(["--inventory", inventory, "--target", "2000=\(dead)", "--target", "2001=\(respelled)"],
                                   reportDirectory: scenario.reportDirectory("duplicate-dead"))
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        XCTAssertTrue(run.allCodes.contains("duplicate-target"))
        XCTAssertFalse(run.allCodes.contains("target-unreachable"))
    }

    func testUnreachableTargetIsInconclusiveAndTheReportsAreWritten() throws {
        let scenario = try Scenario(script: "make-seed.sh")
        try scenario.serve("vol2000", image: "vol2000.img")
        let inventory = try seedInventory(scenario)
        let run = try VerifyResult(
            ["--inventory", inventory, "--nbd-targets", "2000:\(scenario.uri("vol2000")),2001:\(scenario.deadURI)",
             "--connect-retries", "0", "--timeout", "5"],
            reportDirectory: scenario.reportDirectory("unreachable"))
        XCTAssertEqual(run.status, 3, run.stdout + run.stderr)
        XCTAssertEqual(run.verdict, "inconclusive")
        XCTAssertEqual(run.disk("2001")?["verdict"] as? String, "inconclusive")
        XCTAssertEqual(run.disk("2000")?["verdict"] as? String, "pass")
        XCTAssertTrue(run.codes(of: "2001").contains("target-unreachable"))
        for name in ["report.json", "junit.xml", "report.md", "report.html"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: run.reportDirectory + "/" + name), name)
        }
        let junit = try String(contentsOfFile: run.reportDirectory + "/junit.xml", encoding: .utf8)
        XCTAssertTrue(junit.contains("<error message="), junit)
    }

    func testTargetTruncatedBelowTheSourceSize() throws {
        let scenario = try Scenario(script: "make-seed.sh")
        try scenario.serve("vol2000", image: "vol2000.img")
        try scenario.serve("vol2001", image: "vol2001.img", filters: ["truncate"], args: ["truncate=6G"])
        let inventory = try seedInventory(scenario)
        let run = try VerifyResult(
            ["--inventory", inventory, "--nbd-targets", "2000:\(scenario.uri("vol2000")),2001:\(scenario.uri("vol2001"))"],
            reportDirectory: scenario.reportDirectory("truncated"))
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        let smaller = try XCTUnwrap(run.finding("target-smaller-than-source", of: "2001"))
        XCTAssertEqual(smaller["severity"] as? String, "critical")
        let evidence = smaller["evidence"] as? [String: Any]
        XCTAssertEqual(evidence?["volumeBytes"] as? Int, 6_442_450_944)
        XCTAssertEqual(evidence?["missingBytes"] as? Int, 4_294_967_296)
        XCTAssertEqual(run.disk("2000")?["verdict"] as? String, "pass")
    }

    func testUsageErrorsExitTwo() throws {
        let scenario = try Scenario(script: "make-seed.sh")
        let inventory = try seedInventory(scenario)
        let noTargets = try Repository.runTool(["verify", "--inventory", inventory])
        XCTAssertEqual(noTargets.status, 2, noTargets.stderr)
        let badContent = try Repository.runTool(["verify", "--inventory", inventory, "--target", "2000=/x", "--content", "most"])
        XCTAssertEqual(badContent.status, 2, badContent.stderr)
        let missing = try Repository.runTool(["verify", "--inventory", scenario.image("nope.json"), "--target", "2000=/x"])
        XCTAssertEqual(missing.status, 2, missing.stderr)
        let badMapping = try Repository.runTool(["verify", "--inventory", inventory, "--nbd-targets", "2000"])
        XCTAssertEqual(badMapping.status, 2, badMapping.stderr)
    }
}
