import Foundation
import TestSupport
import XCTest

/// Issue 9 (1, 2, 4) and 18 (1) end to end through the built binary: the seed incident with
/// 4096-byte sectors as files, over NBD and on 4096-byte loop devices, each next to its
/// faithful copy; the 512-byte seed on 4096-byte loop devices; a protective MBR without a
/// GPT; a smaller disk's label over a bigger disk's filesystem; the head of a bigger disk
/// over a smaller one, with sources.
final class SectorSizeAndHeaderTests: XCTestCase {
    private let seedDisks: [(key: Int, label: String, bytes: UInt64)] = [
        (2000, "Hard disk 1", 123_480_309_760), (2001, "Hard disk 2", 10_737_418_240),
    ]

    private func assertContaminated(_ run: VerifyResult, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr, file: file, line: line)
        XCTAssertEqual(run.disk("2000")?["verdict"] as? String, "fail", file: file, line: line)
        XCTAssertEqual(run.disk("2001")?["verdict"] as? String, "pass", "\(run.findings(of: "2001"))", file: file, line: line)
        XCTAssertEqual(run.contaminationPairs, [["2000", "2001"]], file: file, line: line)
        let label = run.finding("label-sized-for-other-disk", of: "2000")
        let evidence = label?["evidence"] as? [String: Any]
        XCTAssertEqual(evidence?["alternateLBA"] as? Int, 2_621_439, file: file, line: line)  // 10 GiB / 4096 - 1
        XCTAssertEqual(evidence?["impliedDiskBytes"] as? Int, 10_737_418_240, file: file, line: line)
        XCTAssertEqual(evidence?["sectorSize"] as? Int, 4096, file: file, line: line)
    }

    private func assertFaithful(_ run: VerifyResult, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr, file: file, line: line)
        XCTAssertEqual(run.verdict, "pass", file: file, line: line)
    }

    func test4KnSeedIncidentFailsAsFilesOverNBDAndOn4096ByteLoopDevices() throws {
        let scenario = try Scenario(script: "make-seed-4k.sh")
        let inventory = try scenario.inventory(vm: "pgtest1", disks: seedDisks)
        // Image files.
        assertContaminated(try VerifyResult(
            ["--inventory", inventory, "--target", "2000=\(scenario.image("vol2000-contaminated.img"))",
             "--target", "2001=\(scenario.image("vol2001.img"))"], reportDirectory: scenario.reportDirectory("files")))
        assertFaithful(try VerifyResult(
            ["--inventory", inventory, "--target", "2000=\(scenario.image("vol2000.img"))",
             "--target", "2001=\(scenario.image("vol2001.img"))"], reportDirectory: scenario.reportDirectory("files-ok")))
        // NBD.
        try scenario.serve("bad", image: "vol2000-contaminated.img")
        try scenario.serve("good", image: "vol2000.img")
        try scenario.serve("v2001", image: "vol2001.img")
        let nbd = try VerifyResult(
            ["--inventory", inventory, "--nbd-targets", "2000:\(scenario.uri("bad")),2001:\(scenario.uri("v2001"))"],
            reportDirectory: scenario.reportDirectory("nbd"))
        assertContaminated(nbd)
        // Over NBD the guest's sector size is unknown: the label's is named, as info.
        let info = try XCTUnwrap(nbd.finding("label-sector-size-mismatch", of: "2001"))
        XCTAssertEqual(info["severity"] as? String, "info")
        assertFaithful(try VerifyResult(
            ["--inventory", inventory, "--nbd-targets", "2000:\(scenario.uri("good")),2001:\(scenario.uri("v2001"))"],
            reportDirectory: scenario.reportDirectory("nbd-ok")))
        // 4096-byte loop devices: the label matches the device, nothing about sector sizes.
        let bad = try LoopDevice(image: scenario.image("vol2000-contaminated.img"), sectorSize: 4096)
        let good = try LoopDevice(image: scenario.image("vol2000.img"), sectorSize: 4096)
        let other = try LoopDevice(image: scenario.image("vol2001.img"), sectorSize: 4096)
        defer { bad.detach(); good.detach(); other.detach() }
        let loop = try VerifyResult(["--inventory", inventory, "--target", "2000=\(bad.path)", "--target", "2001=\(other.path)"],
                                    reportDirectory: scenario.reportDirectory("loop"))
        assertContaminated(loop)
        XCTAssertFalse(loop.allCodes.contains("label-sector-size-mismatch"), "\(loop.allCodes)")
        let probe = try XCTUnwrap(loop.disk("2000")?["probe"] as? [String: Any])
        XCTAssertEqual(probe["deviceSectorSize"] as? Int, 4096)
        assertFaithful(try VerifyResult(["--inventory", inventory, "--target", "2000=\(good.path)", "--target", "2001=\(other.path)"],
                                        reportDirectory: scenario.reportDirectory("loop-ok")))
    }

    func test512ByteSeedOn4096ByteLoopDevicesFailsForBothDisks() throws {
        let scenario = try Scenario(script: "make-seed.sh")
        let inventory = try scenario.inventory(vm: "pgtest1", disks: seedDisks)
        let v2000 = try LoopDevice(image: scenario.image("vol2000-contaminated.img"), sectorSize: 4096)
        let v2001 = try LoopDevice(image: scenario.image("vol2001.img"), sectorSize: 4096)
        defer { v2000.detach(); v2001.detach() }
        let run = try VerifyResult(["--inventory", inventory, "--target", "2000=\(v2000.path)", "--target", "2001=\(v2001.path)"],
                                   reportDirectory: scenario.reportDirectory("loop4k"))
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        // A guest given a 4096-byte device finds no GPT written for 512-byte sectors: both fail.
        for key in ["2000", "2001"] {
            XCTAssertEqual(run.disk(key)?["verdict"] as? String, "fail", key)
            XCTAssertEqual(run.finding("label-sector-size-mismatch", of: key)?["severity"] as? String, "critical", key)
        }
        // The contamination is still named, from the label read at its own sector size.
        XCTAssertEqual(run.contaminationPairs, [["2000", "2001"]])
        XCTAssertNotNil(run.finding("label-sized-for-other-disk", of: "2000"))
        // On 512-byte loop devices the faithful copy passes.
        let ok = try LoopDevice(image: scenario.image("vol2001.img"), sectorSize: 512)
        let ok0 = try LoopDevice(image: scenario.image("vol2000.img"), sectorSize: 512)
        defer { ok.detach(); ok0.detach() }
        let pass = try VerifyResult(["--inventory", inventory, "--target", "2000=\(ok0.path)", "--target", "2001=\(ok.path)"],
                                    reportDirectory: scenario.reportDirectory("loop512"))
        XCTAssertEqual(pass.status, 0, pass.stdout + pass.stderr)
    }

    func testProtectiveMBRWithoutGPTFailsAndTheIntactLabelPasses() throws {
        let scenario = try Scenario(script: "make-probe-sectors.sh", arguments: ["pmbr-no-gpt", "gpt-512"])
        let inventory = try scenario.inventory(vm: "vm1", disks: [(2000, "Hard disk 1", 64 << 20)])
        let run = try VerifyResult(["--inventory", inventory, "--target", "2000=\(scenario.image("pmbr-no-gpt.img"))"],
                                   reportDirectory: scenario.reportDirectory("pmbr"))
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        XCTAssertEqual(run.finding("protective-mbr-without-gpt", of: "2000")?["severity"] as? String, "error")
        let ok = try VerifyResult(["--inventory", inventory, "--target", "2000=\(scenario.image("gpt-512.img"))"],
                                  reportDirectory: scenario.reportDirectory("gpt"))
        XCTAssertEqual(ok.status, 0, ok.stdout + ok.stderr)
    }

    func testASmallerDisksLabelOverABiggerDisksFilesystem() throws {
        let scenario = try Scenario(script: "make-probe-sectors.sh", arguments: ["fs-label-smaller"])
        let inventory = try scenario.inventory(vm: "vm1", disks: [(2000, "Hard disk 1", 2 << 30), (2001, "Hard disk 2", 1 << 30)])
        let run = try VerifyResult(["--inventory", inventory, "--target", "2000=\(scenario.image("fs-label-smaller.img"))",
                                    "--target", "2001=\(scenario.image("fs-label-bigger-src.img"))"],
                                   reportDirectory: scenario.reportDirectory("fs"))
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        let f = try XCTUnwrap(run.finding("filesystem-larger-than-container", of: "2000"), "\(run.codes(of: "2000"))")
        XCTAssertEqual(f["severity"] as? String, "critical")
        let evidence = try XCTUnwrap(f["evidence"] as? [String: Any])
        XCTAssertEqual(evidence["claimedBytes"] as? Int, 1945 << 20)
        XCTAssertEqual(evidence["containerBytes"] as? Int, 921 << 20)
        XCTAssertEqual(evidence["wouldFitDisks"] as? [String], ["2000"])
        XCTAssertTrue((f["message"] as? String ?? "").contains("the partition table, not the volume, is too small"), "\(f)")
        // Listed once, not also as the probe's own finding.
        XCTAssertEqual(run.codes(of: "2000").filter { $0 == "filesystem-larger-than-container" }.count, 1)
        // The bigger disk's own image, given as disk 2001's target, is 2 GiB: its ext4 fits.
        XCTAssertFalse(run.codes(of: "2001").contains("filesystem-larger-than-container"))
    }

    func testTheHeadOfABiggerDiskOverASmallerOneIsReportedFromThePrimary() throws {
        let scenario = try Scenario(script: "make-probe-sectors.sh", arguments: ["bigger-head"])
        let inventory = try scenario.inventory(vm: "vm1", disks: [(2000, "Hard disk 1", 40 << 30), (2001, "Hard disk 2", 12 << 30)])
        try scenario.serve("t2001", image: "bigger-head.img")
        // Disk 2000's own copy, served apart from its source (a target may not be its source).
        try scenario.serve("t2000", image: "bigger-root.img")
        try scenario.serve("s2000", image: "bigger-root.img")
        try scenario.serve("s2001", image: "bigger-data.img")
        let run = try VerifyResult(
            ["--inventory", inventory, "--nbd-targets", "2000:\(scenario.uri("t2000")),2001:\(scenario.uri("t2001"))",
             "--nbd-sources", "2000:\(scenario.uri("s2000")),2001:\(scenario.uri("s2001"))", "--content", "none"],
            reportDirectory: scenario.reportDirectory("head"))
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        XCTAssertEqual(run.disk("2001")?["verdict"] as? String, "fail")
        // The primary's partition 2 runs 27 GiB past the 12 GiB volume.
        let past = try XCTUnwrap(run.finding("partition-past-device-end", of: "2001"), "\(run.codes(of: "2001"))")
        XCTAssertEqual((past["evidence"] as? [String: Any])?["partition"] as? Int, 2)
        // Identity evidence shows the primary's disk GUID, not the stale backup's.
        let identity = try XCTUnwrap(run.finding("identity-mismatch", of: "2001"))
        let evidence = try XCTUnwrap(identity["evidence"] as? [String: Any])
        XCTAssertEqual(evidence["foundDiskGUID"] as? String, "40000000-0000-4000-8000-000000000040")
        XCTAssertEqual(evidence["expectedDiskGUID"] as? String, "da7a0000-0000-4000-8000-000000000012")
        XCTAssertEqual(evidence["foundFrom"] as? String, "primary")
        XCTAssertEqual((evidence["staleHeaderAtDeviceEnd"] as? [String: Any])?["diskGUID"] as? String,
                       "DA7A0000-0000-4000-8000-000000000012")
        // Root's ext4 in that partition claims 38 GiB: it would fit disk 2000, whose head this is.
        let fs = try XCTUnwrap(run.finding("filesystem-larger-than-container", of: "2001"))
        XCTAssertEqual((fs["evidence"] as? [String: Any])?["wouldFitDisks"] as? [String], ["2000"])
        XCTAssertTrue((fs["message"] as? String ?? "").contains("It would fit disk 2000 (Hard disk 1, 40 GiB)"), "\(fs)")
        // The stale backup is reported as such.
        let stale = try XCTUnwrap(run.finding("stale-label-at-end", of: "2001"))
        XCTAssertEqual((stale["evidence"] as? [String: Any])?["endDiskGUID"] as? String, "DA7A0000-0000-4000-8000-000000000012")
        // report.json's probe names the header of every field, and keeps libfdisk's reading.
        let table = try XCTUnwrap((run.disk("2001")?["probe"] as? [String: Any])?["partitionTable"] as? [String: Any])
        XCTAssertEqual(table["headerSource"] as? String, "primary")
        XCTAssertEqual((table["libfdiskReading"] as? [String: Any])?["headerSource"] as? String, "header-at-device-end")
        // The HTML map draws the primary's partitions on disk 2001's volume, not the old label's:
        // root's 38 GiB partition 2 is drawn three times (2000's source and volume, 2001's volume).
        let html = try String(contentsOfFile: run.reportDirectory + "/report.html", encoding: .utf8)
        let root = "partition 2: 38 GiB at \((1 << 20) + (1 << 30))"
        XCTAssertEqual(html.components(separatedBy: root).count - 1, 3, "map titles for \(root)")
        XCTAssertEqual(run.disk("2000")?["verdict"] as? String, "pass")
    }
}
