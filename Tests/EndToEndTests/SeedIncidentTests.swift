import TestSupport
import XCTest

/// The seed incident: disk 2000's 115 GiB volume carries disk 2001's 10 GiB GPT.
final class SeedIncidentTests: XCTestCase {
    func makeScenario() throws -> (Scenario, String) {
        let scenario = try Scenario(script: "make-seed.sh")
        try scenario.serve("vol2000", image: "vol2000-contaminated.img")
        try scenario.serve("vol2001", image: "vol2001.img")
        let inventory = try scenario.inventory(vm: "pgtest1", disks: [
            (2000, "Hard disk 1", 123_480_309_760), (2001, "Hard disk 2", 10_737_418_240),
        ])
        return (scenario, inventory)
    }

    func testWithoutSourcesTheContaminationIsNamedFromTheLabelGeometry() throws {
        let (scenario, inventory) = try makeScenario()
        let run = try VerifyResult(
            ["--inventory", inventory,
             "--nbd-targets", "2000:\(scenario.uri("vol2000")),2001:\(scenario.uri("vol2001"))"],
            reportDirectory: scenario.reportDirectory("seed"))
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        XCTAssertEqual(run.verdict, "fail")
        XCTAssertEqual(run.contaminationPairs, [["2000", "2001"]])
        XCTAssertEqual(run.contamination.first?["evidence"] as? [String], ["implied-size"])
        XCTAssertEqual(run.disk("2001")?["verdict"] as? String, "pass")
        XCTAssertEqual(run.disk("2000")?["verdict"] as? String, "fail")
        let label = try XCTUnwrap(run.finding("label-sized-for-other-disk", of: "2000"))
        XCTAssertEqual(label["severity"] as? String, "critical")
        let evidence = try XCTUnwrap(label["evidence"] as? [String: Any])
        XCTAssertEqual(evidence["alternateLBA"] as? Int, 20_971_519)
        XCTAssertEqual(evidence["impliedDiskBytes"] as? Int, 10_737_418_240)
        XCTAssertEqual(evidence["matchingDisks"] as? [String], ["2001"])
        XCTAssertEqual((evidence["primaryHeaderSHA256"] as? String)?.count, 64)
        // The probe's stale-label finding is listed once, not twice.
        XCTAssertEqual(run.codes(of: "2000").filter { $0 == "stale-label-at-end" }.count, 1)
        XCTAssertEqual(run.disk("2000")?["actualBytes"] as? Int, 123_480_309_760)
        // Issue 17: each disk's probe says how many dependent round trips it took.
        for key in ["2000", "2001"] {
            let trips = (run.disk(key)?["probe"] as? [String: Any])?["roundTrips"] as? Int
            XCTAssertTrue((1...2).contains(trips ?? 0), "disk \(key): probe.roundTrips \(String(describing: trips))")
        }
        XCTAssertTrue(run.stdout.contains(
            "The volume of disk 2000 (Hard disk 1, 115 GiB) carries the partition table of disk 2001 (Hard disk 2, 10 GiB)"),
            run.stdout)
        XCTAssertTrue(run.stdout.contains("alternate LBA 20971519"), run.stdout)
        for name in ["report.json", "junit.xml", "report.md", "report.html"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: run.reportDirectory + "/" + name), name)
        }
    }

    func testWithSourcesEveryIndependentEvidenceAgrees() throws {
        let (scenario, inventory) = try makeScenario()
        try scenario.serve("src2000", image: "disk2000.img")
        try scenario.serve("src2001", image: "disk2001.img")
        let run = try VerifyResult(
            ["--inventory", inventory,
             "--nbd-targets", "2000:\(scenario.uri("vol2000")),2001:\(scenario.uri("vol2001"))",
             "--nbd-sources", "2000:\(scenario.uri("src2000")),2001:\(scenario.uri("src2001"))"],
            reportDirectory: scenario.reportDirectory("seed-sources"))
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        XCTAssertEqual(run.contaminationPairs, [["2000", "2001"]])
        XCTAssertEqual(Set(run.contamination.first?["evidence"] as? [String] ?? []),
                       ["implied-size", "disk-guid", "partition-guids", "partition-layout", "filesystem-uuids",
                        "content-samples", "content-regions"])
        // Issue 10: the sampled content also says where disk 2001's bytes sit on the volume.
        let regions = (run.contamination.first?["details"] as? [String: Any])?["contentRegions"] as? [[String: Any]] ?? []
        XCTAssertFalse(regions.isEmpty)
        XCTAssertTrue(regions.allSatisfy { $0["sourceDisk"] as? String == "2001" && $0["targetOffset"] as? Int == $0["sourceOffset"] as? Int })
        // Sampled content is compared by default when sources are given, with the seed recorded.
        let content = try XCTUnwrap(run.report["content"] as? [String: Any])
        XCTAssertEqual(content["mode"] as? String, "sample")
        XCTAssertEqual(content["compared"] as? Bool, true)
        XCTAssertNotNil(content["seed"] as? NSNumber)
        XCTAssertEqual(run.finding("content-mismatch", of: "2000")?["severity"] as? String, "critical")
        XCTAssertFalse(run.codes(of: "2001").contains("content-mismatch"))
        XCTAssertTrue(run.codes(of: "2000").contains("identity-mismatch"))
        XCTAssertTrue(run.codes(of: "2000").contains("layout-mismatch"))
        XCTAssertEqual(run.disk("2001")?["verdict"] as? String, "pass")
    }

    func testFullContentComparisonFindsTheOverwrittenData() throws {
        let (scenario, inventory) = try makeScenario()
        try scenario.serve("src2000", image: "disk2000.img")
        try scenario.serve("src2001", image: "disk2001.img")
        let run = try VerifyResult(
            ["--inventory", inventory,
             "--nbd-targets", "2000:\(scenario.uri("vol2000")),2001:\(scenario.uri("vol2001"))",
             "--nbd-sources", "2000:\(scenario.uri("src2000")),2001:\(scenario.uri("src2001"))", "--content", "full"],
            reportDirectory: scenario.reportDirectory("seed-full"))
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        let mismatch = try XCTUnwrap(run.finding("content-mismatch", of: "2000"))
        XCTAssertEqual((mismatch["evidence"] as? [String: Any])?["mode"] as? String, "full")
        XCTAssertFalse(run.codes(of: "2001").contains("content-mismatch"))
        XCTAssertEqual(run.disk("2001")?["verdict"] as? String, "pass")
    }

    func testLocalImageFilesGiveTheSameVerdictAsNBD() throws {
        let (scenario, inventory) = try makeScenario()
        let run = try VerifyResult(
            ["--inventory", inventory, "--target", "2000=\(scenario.image("vol2000-contaminated.img"))",
             "--target", "2001=\(scenario.image("vol2001.img"))"],
            reportDirectory: scenario.reportDirectory("files"))
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        XCTAssertEqual(run.contaminationPairs, [["2000", "2001"]])
        XCTAssertEqual(run.disk("2001")?["verdict"] as? String, "pass")
        XCTAssertEqual(run.disk("2000")?["target"] as? String, scenario.image("vol2000-contaminated.img"))
    }
}
