import TestSupport
import XCTest

/// Two disks of equal size replicated onto each other's volumes: only identities from the
/// sources, or from a baseline captured from them, reveal the swap.
final class SwappedDisksTests: XCTestCase {
    func makeScenario() throws -> (Scenario, String, [String]) {
        let scenario = try Scenario(script: "make-verify-swapped.sh")
        for name in ["vol2000", "vol2001"] { try scenario.serve(name, image: "\(name).img") }
        for key in ["2000", "2001"] { try scenario.serve("src\(key)", image: "disk\(key).img") }
        let inventory = try scenario.inventory(vm: "swap1", disks: [(2000, "Hard disk 1", 21_474_836_480),
                                                                   (2001, "Hard disk 2", 21_474_836_480)])
        let targets = ["--nbd-targets", "2000:\(scenario.uri("vol2000")),2001:\(scenario.uri("vol2001"))"]
        return (scenario, inventory, targets)
    }

    func assertSwapFound(_ run: VerifyResult, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr, file: file, line: line)
        XCTAssertEqual(run.verdict, "fail", file: file, line: line)
        XCTAssertEqual(run.contaminationPairs, [["2000", "2001"], ["2001", "2000"]], file: file, line: line)
        for entry in run.contamination {
            let evidence = Set(entry["evidence"] as? [String] ?? [])
            XCTAssertTrue(evidence.isSuperset(of: ["disk-guid", "partition-guids", "filesystem-uuids", "content-samples"]),
                          "\(evidence)",
                          file: file, line: line)
            XCTAssertFalse(evidence.contains("implied-size"), file: file, line: line)
        }
        for key in ["2000", "2001"] {
            XCTAssertEqual(run.disk(key)?["verdict"] as? String, "fail", file: file, line: line)
            XCTAssertTrue(run.codes(of: key).contains("identity-mismatch"), file: file, line: line)
            XCTAssertTrue(run.codes(of: key).contains("content-mismatch"), file: file, line: line)
        }
    }

    func testWithoutReferencesTheSwapIsInvisible() throws {
        let (scenario, inventory, targets) = try makeScenario()
        let run = try VerifyResult(["--inventory", inventory] + targets, reportDirectory: scenario.reportDirectory("blind"))
        // Sizes and geometry agree, so nothing can be said against it: this is why sources matter.
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        XCTAssertTrue(run.contamination.isEmpty)
        // Issue 10: but the report says that a swap between them cannot be ruled out.
        let swap = try XCTUnwrap(run.vmFindings.first { $0["code"] as? String == "equal-capacity-swap-possible" })
        XCTAssertEqual(swap["severity"] as? String, "info")
        XCTAssertEqual((swap["evidence"] as? [String: Any])?["keys"] as? [String], ["2000", "2001"])
    }

    func testSwapFoundAgainstTheLiveSources() throws {
        let (scenario, inventory, targets) = try makeScenario()
        let run = try VerifyResult(
            ["--inventory", inventory] + targets
                + ["--nbd-sources", "2000:\(scenario.uri("src2000")),2001:\(scenario.uri("src2001"))"],
            reportDirectory: scenario.reportDirectory("sources"))
        assertSwapFound(run)
        XCTAssertTrue(run.stdout.contains("The volume of disk 2000 (Hard disk 1, 20 GiB) carries the partition table of disk 2001"),
                      run.stdout)
    }

    func testTheFullCompareNamesTheSwapAsTheSampleDoes() throws {
        // Issue 21: --content full names at least what --content sample names, from the content too.
        let (scenario, inventory, targets) = try makeScenario()
        let run = try VerifyResult(
            ["--inventory", inventory] + targets
                + ["--nbd-sources", "2000:\(scenario.uri("src2000")),2001:\(scenario.uri("src2001"))", "--content", "full"],
            reportDirectory: scenario.reportDirectory("full"))
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        XCTAssertEqual(run.contaminationPairs, [["2000", "2001"], ["2001", "2000"]])
        for entry in run.contamination {
            let evidence = Set(entry["evidence"] as? [String] ?? [])
            XCTAssertTrue(evidence.isSuperset(of: ["disk-guid", "partition-guids", "filesystem-uuids"]), "\(evidence)")
            XCTAssertTrue(evidence.contains("content-regions") || evidence.contains("content-samples"), "\(evidence)")
        }
        for key in ["2000", "2001"] {
            XCTAssertEqual((run.finding("content-mismatch", of: key)?["evidence"] as? [String: Any])?["mode"] as? String, "full")
        }
    }

    func testSwapFoundAgainstABaselineAfterTheSourcesAreGone() throws {
        let (scenario, inventory, targets) = try makeScenario()
        let baseline = scenario.directory.appendingPathComponent("baseline.json").path
        let capture = try Repository.runTool(
            ["capture", "--inventory", inventory, "--source", "2000=\(scenario.uri("src2000"))",
             "--source", "2001=\(scenario.uri("src2001"))", "--output", baseline])
        XCTAssertEqual(capture.status, 0, capture.stdout + capture.stderr)
        scenario.stop("src2000")
        scenario.stop("src2001")
        let run = try VerifyResult(["--inventory", inventory] + targets + ["--baseline", baseline],
                                   reportDirectory: scenario.reportDirectory("baseline"))
        assertSwapFound(run)
        XCTAssertEqual(run.report["references"] as? String, "baseline")
        let saved = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: baseline))) as? [String: Any]
        XCTAssertEqual(saved?["kind"] as? String, "replica-audit-baseline")
        XCTAssertEqual(saved?["schemaVersion"] as? Int, 1)
    }

    func testCaptureRefusesToRecordASourceItCannotRead() throws {
        let (scenario, inventory, _) = try makeScenario()
        let baseline = scenario.directory.appendingPathComponent("partial.json").path
        let capture = try Repository.runTool(
            ["capture", "--inventory", inventory, "--source", "2000=\(scenario.uri("src2000"))",
             "--source", "2001=\(scenario.deadURI)", "--connect-retries", "0", "--output", baseline])
        XCTAssertEqual(capture.status, 3, capture.stdout + capture.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: baseline))
        XCTAssertTrue(capture.stderr.contains("disk 2001"), capture.stderr)
    }
}
