import TestSupport
import XCTest

/// DOS (MBR) disks: a 50 GiB volume carrying an 8 GiB disk's MBR and data. DOS labels do
/// not record their disk's size, so identities from the sources name the disk.
final class DOSContaminationTests: XCTestCase {
    func testContaminatedDOSVolumeNamesTheEightGiBDisk() throws {
        let scenario = try Scenario(script: "make-verify-mbr.sh")
        try scenario.serve("vol2000", image: "vol2000-contaminated.img")
        try scenario.serve("vol2001", image: "vol2001.img")
        try scenario.serve("src2000", image: "disk2000.img")
        try scenario.serve("src2001", image: "disk2001.img")
        let inventory = try scenario.inventory(vm: "dos1", disks: [(2000, "Hard disk 1", 53_687_091_200),
                                                                  (2001, "Hard disk 2", 8_589_934_592)])
        let run = try VerifyResult(
            ["--inventory", inventory,
             "--nbd-targets", "2000:\(scenario.uri("vol2000")),2001:\(scenario.uri("vol2001"))",
             "--nbd-sources", "2000:\(scenario.uri("src2000")),2001:\(scenario.uri("src2001"))"],
            reportDirectory: scenario.reportDirectory("dos"))
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        XCTAssertEqual(run.contaminationPairs, [["2000", "2001"]])
        let evidence = Set(run.contamination.first?["evidence"] as? [String] ?? [])
        XCTAssertTrue(evidence.isSuperset(of: ["mbr-signature", "partition-layout", "filesystem-uuids", "content-samples"]), "\(evidence)")
        XCTAssertTrue(run.codes(of: "2000").contains("identity-mismatch"))
        XCTAssertTrue(run.codes(of: "2000").contains("layout-mismatch"))
        XCTAssertTrue(run.codes(of: "2000").contains("content-mismatch"))
        XCTAssertEqual(run.disk("2001")?["verdict"] as? String, "pass")
        XCTAssertTrue(run.stdout.contains("carries the partition table of disk 2001 (Hard disk 2, 8 GiB)"), run.stdout)
        XCTAssertTrue(run.stdout.contains("0x08080808"), run.stdout)
    }
}
