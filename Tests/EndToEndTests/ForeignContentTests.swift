import Foundation
import TestSupport
import XCTest

/// Issue 10 and 21: data-only contamination — another disk's bytes inside a volume whose
/// label and filesystems are its own — is traced to the disk and offset it came from, by
/// `--content sample` and by `--content full` alike; and cloned disks swapped onto each
/// other's volumes are named by both (Fixtures/make-verify-foreign.sh).
final class ForeignContentTests: XCTestCase {
    nonisolated(unsafe) static var shared: Scenario?
    static let images = ["disk2000", "disk2001", "disk2002", "disk2003", "vol2000", "vol2001", "vol2001-same",
                         "vol2001-shifted", "vol2002", "vol2003"]

    override class func setUp() {
        super.setUp()
        guard let scenario = try? Scenario(script: "make-verify-foreign.sh") else { return }
        for name in images { _ = try? scenario.serve(name, image: "\(name).img") }
        shared = scenario
    }

    override class func tearDown() {
        shared = nil
        super.tearDown()
    }

    func scenario() throws -> Scenario { try XCTUnwrap(Self.shared, "Fixtures/make-verify-foreign.sh failed") }

    func run(_ s: Scenario, vm: String, disks: [(key: Int, bytes: UInt64)], targets: [String: String], content: String,
             name: String) throws -> VerifyResult {
        let inventory = try s.inventory(vm: vm, disks: disks.enumerated().map { ($1.key, "Hard disk \($0 + 1)", $1.bytes) })
        let keys = targets.keys.sorted()
        return try VerifyResult(
            ["--inventory", inventory,
             "--nbd-targets", keys.map { "\($0):\(s.uri(targets[$0]!))" }.joined(separator: ","),
             "--nbd-sources", keys.map { "\($0):\(s.uri("disk\($0)"))" }.joined(separator: ","),
             "--content", content, "--jobs", "2"],
            reportDirectory: s.reportDirectory(name))
    }

    func regions(_ run: VerifyResult) -> [[String: Any]] {
        (run.contamination.first?["details"] as? [String: Any])?["contentRegions"] as? [[String: Any]] ?? []
    }

    func testAFaithfulCopyPassesAndForeignDataAtTheSameOffsetIsNamed() throws {
        let s = try scenario()
        let disks: [(key: Int, bytes: UInt64)] = [(2000, 2 << 30), (2001, 3 << 30)]
        let faithful = try run(s, vm: "foreign1", disks: disks, targets: ["2000": "vol2000", "2001": "vol2001"],
                               content: "sample", name: "faithful")
        XCTAssertEqual(faithful.status, 0, faithful.stdout + faithful.stderr)
        for content in ["sample", "full"] {
            let run = try self.run(s, vm: "foreign1", disks: disks, targets: ["2000": "vol2000", "2001": "vol2001-same"],
                                   content: content, name: "same-\(content)")
            XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
            XCTAssertEqual(run.contaminationPairs, [["2001", "2000"]], content)
            XCTAssertTrue((run.contamination.first?["evidence"] as? [String] ?? []).contains("content-regions"), content)
            let found = regions(run)
            XCTAssertFalse(found.isEmpty, content)
            for region in found {
                XCTAssertEqual(region["sourceDisk"] as? String, "2000")
                XCTAssertEqual(region["targetOffset"] as? Int, region["sourceOffset"] as? Int)
                let offset = region["targetOffset"] as? Int ?? 0
                XCTAssertTrue((40 << 20)..<(56 << 20) ~= offset, "\(content): \(region)")
            }
            let mismatch = try XCTUnwrap(run.finding("content-mismatch", of: "2001"))
            XCTAssertTrue((mismatch["message"] as? String ?? "").contains("byte-identical to disk 2000 (Hard disk 1, 2 GiB)'s source"),
                          mismatch["message"] as? String ?? "")
            XCTAssertEqual(run.disk("2000")?["verdict"] as? String, "pass")
            // The labels and identities are 2001's own: only the content tells.
            XCTAssertFalse(run.codes(of: "2001").contains("identity-mismatch"))
        }
    }

    func testForeignDataShiftedByThePartitionOffsetsIsNamedWithBothOffsets() throws {
        let s = try scenario()
        for content in ["sample", "full"] {
            let run = try self.run(s, vm: "foreign1", disks: [(2000, 2 << 30), (2001, 3 << 30)],
                                   targets: ["2000": "vol2000", "2001": "vol2001-shifted"], content: content, name: "shifted-\(content)")
            XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
            XCTAssertEqual(run.contaminationPairs, [["2001", "2000"]], content)
            let found = regions(run)
            XCTAssertFalse(found.isEmpty, content)
            for region in found {
                // 2000's bytes at 38 MiB… sit at 41 MiB… on 2001's volume: partition 1 starts 3 MiB later there.
                XCTAssertEqual((region["targetOffset"] as? Int ?? 0) - (region["sourceOffset"] as? Int ?? 0), 3 << 20, "\(region)")
            }
        }
    }

    func testAgainstABaselineTheSampledHashesAloneNameTheDiskAndTheShift() throws {
        // The sources are gone: only the baseline's sampled hashes remain, matched at any offset.
        let s = try scenario()
        let inventory = try s.inventory(vm: "foreign1", disks: [(2000, "Hard disk 1", 2 << 30), (2001, "Hard disk 2", 3 << 30)])
        let baseline = s.directory.appendingPathComponent("foreign-baseline.json").path
        let capture = try Repository.runTool(["capture", "--inventory", inventory, "--source", "2000=\(s.uri("disk2000"))",
                                              "--source", "2001=\(s.uri("disk2001"))", "--output", baseline])
        XCTAssertEqual(capture.status, 0, capture.stdout + capture.stderr)
        for (volume, shift) in [("vol2001-same", 0), ("vol2001-shifted", 3 << 20)] {
            let run = try VerifyResult(["--inventory", inventory, "--nbd-targets",
                                        "2000:\(s.uri("vol2000")),2001:\(s.uri(volume))", "--baseline", baseline],
                                       reportDirectory: s.reportDirectory("baseline-\(volume)"))
            XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
            XCTAssertEqual(run.contaminationPairs, [["2001", "2000"]], volume)
            let found = regions(run)
            XCTAssertFalse(found.isEmpty, volume)
            for region in found {
                XCTAssertEqual((region["targetOffset"] as? Int ?? 0) - (region["sourceOffset"] as? Int ?? 0), shift, "\(region)")
            }
        }
    }

    func testClonedDisksSwappedAreNamedByTheFullCompareAsByTheSample() throws {
        let s = try scenario()
        var named: [String: [[String]]] = [:]
        for content in ["sample", "full"] {
            let run = try self.run(s, vm: "clone1", disks: [(2002, 2 << 30), (2003, 2 << 30)],
                                   targets: ["2002": "vol2002", "2003": "vol2003"], content: content, name: "clones-\(content)")
            XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
            named[content] = run.contaminationPairs
            for key in ["2002", "2003"] { XCTAssertTrue(run.codes(of: key).contains("content-mismatch")) }
        }
        XCTAssertEqual(named["sample"], [["2002", "2003"], ["2003", "2002"]])
        XCTAssertEqual(named["full"], named["sample"])
    }
}
