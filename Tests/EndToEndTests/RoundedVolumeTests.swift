import TestSupport
import XCTest

/// A correct replication onto volumes rounded up to whole GiB: the GPT backup is not at the
/// volume's end, and that is no alarm.
final class RoundedVolumeTests: XCTestCase {
    func makeScenario() throws -> (Scenario, String) {
        let scenario = try Scenario(script: "make-verify-rounded.sh")
        try scenario.serve("vol2000", image: "vol2000.img")
        try scenario.serve("vol2001", image: "vol2001.img")
        let inventory = try scenario.inventory(
            vm: "rounded1", disks: [(2000, "Hard disk 1", 11_274_289_152), (2001, "Hard disk 2", 2_684_354_560)],
            guest: [("/srv/data", 8_300_000_000, "ext4", 2000), ("/var/spool", 2_600_000_000, "ext4", 2001)])
        return (scenario, inventory)
    }

    func testCorrectCopyOnLargerVolumesPassesWithoutSources() throws {
        let (scenario, inventory) = try makeScenario()
        let run = try VerifyResult(
            ["--inventory", inventory, "--target", "2000=\(scenario.uri("vol2000"))", "--target", "2001=\(scenario.uri("vol2001"))"],
            reportDirectory: scenario.reportDirectory("rounded"))
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        XCTAssertEqual(run.verdict, "pass")
        XCTAssertTrue(run.contamination.isEmpty)
        for key in ["2000", "2001"] {
            XCTAssertEqual(run.disk(key)?["verdict"] as? String, "pass")
            XCTAssertFalse(run.codes(of: key).contains("label-sized-for-other-disk"))
            XCTAssertFalse(run.codes(of: key).contains("stale-label-at-end"))
            XCTAssertFalse(run.codes(of: key).contains("guest-filesystem-missing"))
            let rounded = try XCTUnwrap(run.finding("target-larger-than-source", of: key))
            XCTAssertEqual(rounded["severity"] as? String, "info")
            XCTAssertEqual((rounded["evidence"] as? [String: Any])?["roundedUpBytes"] as? Int, 536_870_912)
        }
    }

    func testCorrectCopyOnLargerVolumesPassesAgainstTheSources() throws {
        let (scenario, inventory) = try makeScenario()
        try scenario.serve("src2000", image: "disk2000.img")
        try scenario.serve("src2001", image: "disk2001.img")
        let run = try VerifyResult(
            ["--inventory", inventory,
             "--nbd-targets", "2000:\(scenario.uri("vol2000")),2001:\(scenario.uri("vol2001"))",
             "--nbd-sources", "2000:\(scenario.uri("src2000")),2001:\(scenario.uri("src2001"))", "--jobs", "2"],
            reportDirectory: scenario.reportDirectory("rounded-sources"))
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        XCTAssertEqual(run.verdict, "pass")
        XCTAssertEqual(run.report["references"] as? String, "sources")
        XCTAssertFalse(run.allCodes.contains("identity-mismatch"))
        XCTAssertFalse(run.allCodes.contains("layout-mismatch"))
    }

    func testJSONOnStdoutIsTheReportFile() throws {
        let (scenario, inventory) = try makeScenario()
        let dir = scenario.reportDirectory("json")
        let result = try Repository.runTool(
            ["verify", "--inventory", inventory, "--target", "2000=\(scenario.uri("vol2000"))",
             "--target", "2001=\(scenario.uri("vol2001"))", "--format", "json", "--report-dir", dir, "--jobs", "1"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let file = try String(contentsOfFile: dir + "/report.json", encoding: .utf8)
        XCTAssertEqual(result.stdout, file)
        XCTAssertTrue(result.stderr.contains("Verdict: PASS"), result.stderr)
    }

    func testADiskWithoutItsSourceIsNotPassedAsIfCompared() throws {
        let (scenario, inventory) = try makeScenario()
        try scenario.serve("src2000", image: "disk2000.img")
        let run = try VerifyResult(
            ["--inventory", inventory,
             "--nbd-targets", "2000:\(scenario.uri("vol2000")),2001:\(scenario.uri("vol2001"))",
             "--source", "2000=\(scenario.uri("src2000"))"],
            reportDirectory: scenario.reportDirectory("one-source"))
        XCTAssertEqual(run.status, 3, run.stdout + run.stderr)
        XCTAssertEqual(run.disk("2000")?["verdict"] as? String, "pass")
        XCTAssertEqual(run.disk("2001")?["verdict"] as? String, "inconclusive")
        XCTAssertTrue(run.codes(of: "2001").contains("source-unreadable"))
    }

    func testFullContentComparisonOfACorrectCopyPasses() throws {
        let (scenario, inventory) = try makeScenario()
        try scenario.serve("src2000", image: "disk2000.img")
        try scenario.serve("src2001", image: "disk2001.img")
        let run = try VerifyResult(
            ["--inventory", inventory,
             "--nbd-targets", "2000:\(scenario.uri("vol2000")),2001:\(scenario.uri("vol2001"))",
             "--nbd-sources", "2000:\(scenario.uri("src2000")),2001:\(scenario.uri("src2001"))", "--content", "full"],
            reportDirectory: scenario.reportDirectory("full"))
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        XCTAssertEqual((run.report["content"] as? [String: Any])?["mode"] as? String, "full")
        XCTAssertEqual((run.report["content"] as? [String: Any])?["compared"] as? Bool, true)
        XCTAssertFalse(run.allCodes.contains("content-mismatch"))
    }
}
