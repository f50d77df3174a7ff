import Foundation
import TestSupport
import XCTest

/// Filesystems inside LVM logical volumes (README.md, "Logical volumes"), served by nbdkit
/// from images that Fixtures/make-lvm-cases.sh builds with pvcreate, vgcreate, vgcfgrestore,
/// mkfs.xfs, mkfs.ext4 and mkswap: a copy that stopped inside an LV, and an LV reduced under
/// its filesystem, fail; their faithful twins pass.
final class LogicalVolumeTests: XCTestCase {
    nonisolated(unsafe) static var shared: Scenario?

    func scenario() throws -> Scenario {
        if let s = Self.shared { return s }
        let s = try Scenario(script: "make-lvm-cases.sh")
        Self.shared = s
        return s
    }

    func verify(_ s: Scenario, _ name: String, _ key: String, _ image: String,
                guest: [(path: String, bytes: UInt64, type: String, key: Int)] = []) throws -> VerifyResult {
        let disks: [(key: Int, label: String, bytes: UInt64)] = key == "2000" ? [(2000, "Hard disk 1", 2 << 30)]
            : [(2001, "Hard disk 2", 1 << 30)]
        let inventory = try s.inventory(vm: "lvm-\(name)", disks: disks, guest: guest)
        try s.serve("t-\(name)", image: image)
        return try VerifyResult(["--inventory", inventory, "--target", "\(key)=\(s.uri("t-\(name)"))", "--content", "none"],
                                reportDirectory: s.reportDirectory(name))
    }

    func logicalVolumes(_ run: VerifyResult, _ key: String) throws -> [[String: Any]] {
        let probe = try XCTUnwrap(run.disk(key)?["probe"] as? [String: Any])
        return try XCTUnwrap(probe["logicalVolumes"] as? [[String: Any]], "\(probe.keys.sorted())")
    }

    func testFaithfulCopiesPassAndTheirLogicalVolumesAreLaidOutFromTheMetadata() throws {
        let s = try scenario()
        let dos = try verify(s, "dos", "2000", "lvm-dos2000.img")
        XCTAssertEqual(dos.status, 0, dos.stdout + dos.stderr)
        let lvs = try logicalVolumes(dos, "2000")
        XCTAssertEqual(lvs.map { $0["name"] as? String }, ["rhel/swap", "rhel/root", "rhel/home"])
        XCTAssertEqual(Set(lvs.map { $0["place"] as? String }), ["partition 2"])
        // Partition 2 starts at 513 MiB; the PV's extents at 1 MiB into it, 4 MiB each.
        let swap = lvs[0], root = lvs[1]
        XCTAssertEqual((swap["segments"] as? [[String: Any]])?.first?["startBytes"] as? Int, 514 << 20)
        XCTAssertEqual(swap["sizeBytes"] as? Int, 200 << 20)
        XCTAssertEqual((root["segments"] as? [[String: Any]])?.first?["startBytes"] as? Int, 714 << 20)
        XCTAssertEqual(root["sizeBytes"] as? Int, 932 << 20)
        XCTAssertEqual(root["wholeOnVolume"] as? Bool, true)
        let rootFS = try XCTUnwrap(root["filesystem"] as? [String: Any])
        XCTAssertEqual(rootFS["type"] as? String, "xfs")
        XCTAssertEqual(rootFS["uuid"] as? String, "22000000-0000-4000-8000-0000000f0070")
        XCTAssertEqual((rootFS["sizeClaim"] as? [String: Any])?["claimedBytes"] as? Int, 932 << 20)
        XCTAssertEqual((rootFS["endStructure"] as? [String: Any])?["present"] as? Bool, true)
        XCTAssertEqual((swap["filesystem"] as? [String: Any])?["type"] as? String, "swap")
        XCTAssertEqual((lvs[2]["filesystem"] as? [String: Any])?["type"] as? String, "ext4")

        let whole = try verify(s, "whole", "2001", "lvm-whole2001.img")
        XCTAssertEqual(whole.status, 0, whole.stdout + whole.stderr)
        let srv = try XCTUnwrap(try logicalVolumes(whole, "2001").first)
        XCTAssertEqual(srv["place"] as? String, "whole disk")
        // Two segments: LV bytes 0–400 MiB at 1 MiB, 400–800 MiB at PV extent 150 (601 MiB).
        let segments = try XCTUnwrap(srv["segments"] as? [[String: Any]])
        XCTAssertEqual(segments.map { $0["startBytes"] as? Int }, [1 << 20, 601 << 20])
        XCTAssertEqual(segments.map { $0["lvOffsetBytes"] as? Int }, [0, 400 << 20])
        let end = try XCTUnwrap((srv["filesystem"] as? [String: Any])?["endStructure"] as? [String: Any])
        // ext4's last backup superblock (group 5 of 7, 640 MiB into the LV) found through the second segment.
        XCTAssertEqual(end["offsetBytes"] as? Int, 841 << 20)
        XCTAssertEqual(end["present"] as? Bool, true)
    }

    func testACopyThatStoppedInsideALogicalVolumeFails() throws {
        let s = try scenario()
        for (key, image, lv, structure, offset) in [
            ("2000", "lvm-dos-cut2000.img", "LV rhel/root (on partition 2)", "superblock of allocation group 3", 1413 << 20),
            ("2001", "lvm-whole-cut2001.img", "LV data/srv (on the whole disk)", "backup superblock of group 5", 841 << 20),
        ] {
            let run = try verify(s, "cut-\(key)", key, image)
            XCTAssertEqual(run.status, 1, "\(image): " + run.stdout + run.stderr)
            XCTAssertEqual(run.disk(key)?["verdict"] as? String, "fail", image)
            let finding = try XCTUnwrap(run.finding("copy-incomplete", of: key), "\(image): \(run.codes(of: key))")
            XCTAssertEqual(finding["severity"] as? String, "critical")
            let evidence = try XCTUnwrap(finding["evidence"] as? [String: Any])
            let ends = try XCTUnwrap(evidence["missingFilesystemEnds"] as? [[String: Any]])
            XCTAssertEqual(ends.count, 1, image)
            XCTAssertEqual(ends.first?["place"] as? String, lv, image)
            XCTAssertTrue((ends.first?["structure"] as? String ?? "").hasPrefix(structure), "\(ends)")
            XCTAssertEqual(ends.first?["offsetBytes"] as? Int, offset, image)
            XCTAssertLessThanOrEqual(try XCTUnwrap(evidence["dataEndBytes"] as? Int), offset, image)
        }
    }

    /// A copy that stopped exactly where an LV ends: every filesystem it wrote is whole, and
    /// the next LV holds nothing. Against a source whose LV holds its filesystem it fails the
    /// same way; against a source with the same gap it does not.
    func testACopyThatStoppedBetweenLogicalVolumesFails() throws {
        let s = try scenario()
        let run = try verify(s, "gap", "2000", "lvm-dos-gap2000.img")
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        let finding = try XCTUnwrap(run.finding("copy-incomplete", of: "2000"), "\(run.codes(of: "2000"))")
        let evidence = try XCTUnwrap(finding["evidence"] as? [String: Any])
        XCTAssertEqual(evidence["emptyLogicalVolumes"] as? [String], ["rhel/home"])
        XCTAssertEqual((evidence["missingFilesystemEnds"] as? [Any])?.count, 0)
        XCTAssertTrue((finding["message"] as? String ?? "").contains("LV rhel/home on partition 2 (400 MiB at offset \(1646 << 20))"),
                      "\(finding)")

        let inventory = try s.inventory(vm: "lvm-gap-src", disks: [(2000, "Hard disk 1", 2 << 30)])
        try s.serve("gap-t", image: "lvm-dos-gap2000.img")
        for (source, fails) in [("lvm-dos2000.img", true), ("lvm-dos-gap2000.img", false)] {
            try s.serve("gap-s-\(source)", image: source)
            let compared = try VerifyResult(["--inventory", inventory, "--target", "2000=\(s.uri("gap-t"))",
                                             "--source", "2000=\(s.uri("gap-s-\(source)"))", "--content", "none"],
                                            reportDirectory: s.reportDirectory("gap-src-\(source)"))
            XCTAssertEqual(compared.allCodes.contains("copy-incomplete"), fails, "\(source): \(compared.codes(of: "2000"))")
            if fails {
                let f = try XCTUnwrap(compared.finding("copy-incomplete", of: "2000"))
                XCTAssertEqual((f["evidence"] as? [String: Any])?["logicalVolumesEmptyHereButNotOnSource"] as? [String], ["rhel/home"])
            }
        }
    }

    func testAFilesystemLargerThanItsLogicalVolumeFails() throws {
        let s = try scenario()
        let run = try verify(s, "shrunk", "2000", "lvm-shrunk2000.img")
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        let finding = try XCTUnwrap(run.finding("filesystem-larger-than-container", of: "2000"), "\(run.codes(of: "2000"))")
        XCTAssertEqual(finding["severity"] as? String, "critical")
        let evidence = try XCTUnwrap(finding["evidence"] as? [String: Any])
        XCTAssertEqual(evidence["logicalVolume"] as? String, "rhel/root")
        XCTAssertEqual(evidence["claimedBytes"] as? Int, 932 << 20)
        XCTAssertEqual(evidence["containerBytes"] as? Int, 800 << 20)
        XCTAssertFalse(run.allCodes.contains("copy-incomplete"), "\(run.allCodes)")
    }

    func testInspectShowsTheLogicalVolumesAndReadsThemInOneMoreRound() throws {
        let s = try scenario()
        let server = try s.serve("inspect-dos", image: "lvm-dos2000.img")
        let text = try Repository.runTool(["inspect", server.uri()])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.contains("Logical volumes (from the LVM metadata):"), text.stdout)
        XCTAssertTrue(text.stdout.contains("partition 2: rhel/root 932 MiB at offset \(714 << 20)"), text.stdout)
        let json = try Repository.runTool(["inspect", server.uri(), "--format", "json"])
        let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        XCTAssertEqual((doc["logicalVolumes"] as? [[String: Any]])?.count, 3)
        // The cut copy fails in inspect too, with no inventory.
        let cut = try Repository.runTool(["inspect", s.image("lvm-dos-cut2000.img"), "--format", "json"])
        XCTAssertEqual(cut.status, 0, cut.stderr)
        XCTAssertTrue(cut.stdout.contains("\"copy-incomplete\""))
        let rounds = try XCTUnwrap(doc["roundTrips"] as? Int)
        XCTAssertLessThanOrEqual(rounds, 5, "round trips: \(rounds)")
    }

    /// The guest's filesystems on LVs are found on their LVs: "/" (900 MiB) fits neither
    /// partition (512 MiB, 1.5 GiB), but fits rhel/root. Before LVs were read, a faithful
    /// copy of an LVM guest failed with guest-filesystem-missing.
    func testGuestFilesystemsOnLogicalVolumesAreFoundOnThem() throws {
        let s = try scenario()
        let guest: [(path: String, bytes: UInt64, type: String, key: Int)] = [
            ("/", 900 << 20, "xfs", 2000), ("/home", 380 << 20, "ext4", 2000), ("/boot", 500 << 20, "xfs", 2000),
        ]
        let run = try verify(s, "guest", "2000", "lvm-dos2000.img", guest: guest)
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        XCTAssertFalse(run.allCodes.contains("guest-filesystem-missing"), "\(run.allCodes)")
        // A guest filesystem no LV or partition can hold is still missing.
        let missing = try verify(s, "guest-missing", "2000", "lvm-dos2000.img", guest: guest + [("/srv", 1200 << 20, "xfs", 2000)])
        XCTAssertEqual(missing.status, 1, missing.stdout + missing.stderr)
        let finding = try XCTUnwrap(missing.finding("guest-filesystem-missing", of: "2000"), "\(missing.codes(of: "2000"))")
        XCTAssertEqual((finding["evidence"] as? [String: Any])?["path"] as? String, "/srv")
    }
}
