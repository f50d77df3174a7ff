import Foundation
import TestSupport
import XCTest

/// Issue 21 and issue 10 (items 3, 4): multi-device guest storage (md RAID1 with 1.2 and 1.0
/// superblocks, btrfs RAID1, an LVM volume group over two whole-disk PVs), a DOS disk written
/// over a GPT disk, cloned template disks — each faithful set next to its broken twin, over
/// real nbdkit, with images built by mdadm-checked superblocks, mkfs.btrfs, pvcreate/vgcreate,
/// sgdisk and sfdisk (Fixtures/make-verify-multi.sh).
final class MultiDeviceTests: XCTestCase {
    static let G: UInt64 = 1 << 30

    /// Serves `volumes` (name → image) and runs verify for `disks` with targets `key → name`.
    func verify(_ scenario: Scenario, vm: String, disks: [(key: Int, label: String, bytes: UInt64)],
                targets: [(key: Int, image: String)], sources: [(key: Int, image: String)] = [],
                extra: [String] = [], name: String) throws -> VerifyResult {
        for t in targets { try scenario.serve("t\(t.key)", image: t.image) }
        for s in sources { try scenario.serve("s\(s.key)", image: s.image) }
        let inventory = try scenario.inventory(vm: vm, disks: disks)
        func pair(_ key: Int, _ prefix: String) -> String { "\(key):" + scenario.uri(prefix + String(key)) }
        var args = ["--inventory", inventory, "--nbd-targets", targets.map { pair($0.key, "t") }.joined(separator: ",")]
        if !sources.isEmpty {
            args += ["--nbd-sources", sources.map { pair($0.key, "s") }.joined(separator: ",")]
        }
        return try VerifyResult(args + extra, reportDirectory: scenario.reportDirectory(name))
    }

    func message(_ run: VerifyResult, _ code: String, of key: String) -> String {
        run.finding(code, of: key)?["message"] as? String ?? ""
    }

    // MARK: md RAID1

    func testHealthyMD12MirrorPassesAndIsShownAsOneArray() throws {
        let scenario = try Scenario(script: "make-verify-multi.sh", arguments: ["md"])
        let run = try verify(scenario, vm: "md0", disks: [(2002, "Hard disk 1", Self.G), (2003, "Hard disk 2", Self.G * 3 / 2)],
                             targets: [(2002, "md12-2002.img"), (2003, "md12-2003.img")], name: "md-ok")
        // Before: duplicate-identity (critical) on both, for the array UUID every member carries.
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        XCTAssertFalse(run.allCodes.contains("duplicate-identity"), "\(run.allCodes)")
        XCTAssertTrue(run.contamination.isEmpty)
        let set = message(run, "multi-device-set", of: "2002")
        XCTAssertTrue(set.contains("md array 21000000-0000-4000-8000-0000000000a0 \"pg:md0\" (raid1, 2 devices)"), set)
        XCTAssertTrue(set.contains("disk 2002 (Hard disk 1, 1 GiB) (role 0, whole disk); disk 2003 (Hard disk 2, 1.5 GiB) (role 1, whole disk)"), set)
        XCTAssertEqual(run.finding("multi-device-set", of: "2003")?["severity"] as? String, "info")
    }

    func testDuplicatedMD12MemberBreaksTheMirrorAndTheSizeFieldNamesTheCarrier() throws {
        let scenario = try Scenario(script: "make-verify-multi.sh", arguments: ["md"])
        let run = try verify(scenario, vm: "md0", disks: [(2002, "Hard disk 1", Self.G), (2003, "Hard disk 2", Self.G * 3 / 2)],
                             targets: [(2002, "md12-2002.img"), (2003, "md12-2003-dup.img")], name: "md-dup")
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        let dup = message(run, "duplicate-member", of: "2003")
        XCTAssertTrue(dup.contains("md device UUID 21000000-0000-4000-8000-000000002002 (role 0)"), dup)
        XCTAssertTrue(dup.contains("Role 1 is on no volume: the mirror is broken"), dup)
        XCTAssertTrue(run.codes(of: "2003").contains("header-sized-for-other-disk"), "\(run.codes(of: "2003"))")
        XCTAssertEqual(run.contaminationPairs, [["2003", "2002"]])
        XCTAssertTrue((run.contamination.first?["evidence"] as? [String] ?? []).contains("size-field"))
        // The untouched member passes: its header is consistent with its own size.
        XCTAssertEqual(run.disk("2002")?["verdict"] as? String, "pass", "\(run.codes(of: "2002"))")
    }

    func testMD090MirrorWithoutDeviceUUIDs() throws {
        let disks: [(key: Int, label: String, bytes: UInt64)] = [(2023, "Hard disk 1", 256 << 20), (2024, "Hard disk 2", 256 << 20)]
        let scenario = try Scenario(script: "make-verify-multi.sh", arguments: ["md"])
        let ok = try verify(scenario, vm: "m9", disks: disks, targets: [(2023, "md09-2023.img"), (2024, "md09-2024.img")], name: "m9")
        XCTAssertEqual(ok.status, 0, ok.stdout + ok.stderr)
        let dup = try verify(scenario, vm: "m9", disks: disks, targets: [(2023, "md09-2023.img"), (2024, "md09-2024-dup.img")],
                             name: "m9-dup")
        XCTAssertEqual(dup.status, 1, dup.stdout + dup.stderr)
        let text = message(dup, "duplicate-member", of: "2024")
        XCTAssertTrue(text.contains("(role 0)") && text.contains("Role 1 is on no volume: the mirror is broken"), text)
    }

    func testPartitionedMirrorPassesAndItsMembersAreShown() throws {
        let scenario = try Scenario(script: "make-verify-multi.sh", arguments: ["md"])
        let run = try verify(scenario, vm: "mdp", disks: [(2021, "Hard disk 1", 2 * Self.G), (2022, "Hard disk 2", 2 * Self.G)],
                             targets: [(2021, "mdp-2021.img"), (2022, "mdp-2022.img")], name: "mdp")
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        let set = message(run, "multi-device-set", of: "2022")
        XCTAssertTrue(set.contains("(role 0, partition 1); disk 2022 (Hard disk 2, 2 GiB) (role 1, partition 1)"), set)
    }

    func testEqualSizeMD10DuplicateCannotBeDirectedWithoutReferences() throws {
        let scenario = try Scenario(script: "make-verify-multi.sh", arguments: ["md"])
        let disks: [(key: Int, label: String, bytes: UInt64)] = [(2012, "Hard disk 1", Self.G), (2013, "Hard disk 2", Self.G)]
        let ok = try verify(scenario, vm: "md1", disks: disks, targets: [(2012, "md10-2012.img"), (2013, "md10-2013.img")],
                            name: "md10-ok")
        XCTAssertEqual(ok.status, 0, ok.stdout + ok.stderr)
        let scenario2 = scenario
        let run = try verify(scenario2, vm: "md1", disks: disks, targets: [(2012, "md10-2012.img"), (2013, "md10-2013-dup.img")],
                             name: "md10-dup")
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        XCTAssertTrue(run.contamination.isEmpty)
        for key in ["2012", "2013"] {
            let text = message(run, "duplicate-member", of: key)
            XCTAssertTrue(text.contains("One of these two volumes is a copy of the other; sources or a baseline can tell which"), text)
            XCTAssertTrue(text.contains("Role 1 is on no volume: the mirror is broken"), text)
        }
    }

    func testEqualSizeMD10DuplicateIsAttributedAgainstTheSources() throws {
        let scenario = try Scenario(script: "make-verify-multi.sh", arguments: ["md"])
        let run = try verify(scenario, vm: "md1", disks: [(2012, "Hard disk 1", Self.G), (2013, "Hard disk 2", Self.G)],
                             targets: [(2012, "md10-2012.img"), (2013, "md10-2013-dup.img")],
                             sources: [(2012, "md10-2012.img"), (2013, "md10-2013.img")], extra: ["--content", "none"],
                             name: "md10-src")
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        XCTAssertEqual(run.contaminationPairs, [["2013", "2012"]])
        XCTAssertTrue((run.contamination.first?["evidence"] as? [String] ?? []).contains("member-ids"))
        let mismatch = message(run, "identity-mismatch", of: "2013")
        XCTAssertTrue(mismatch.contains("whole disk md device UUID 21000000-0000-4000-8000-000000002013 (role 1) expected, "
                                        + "21000000-0000-4000-8000-000000002012 (role 0) found"), mismatch)
        XCTAssertEqual(run.disk("2012")?["verdict"] as? String, "pass", "\(run.codes(of: "2012"))")

        // The same from a baseline captured while the sources were there.
        let baseline = scenario.directory.appendingPathComponent("md-baseline.json").path
        let capture = try Repository.runTool(["capture", "--inventory", scenario.directory.appendingPathComponent("md1-inventory.json").path,
                                              "--nbd-sources", "2012:\(scenario.uri("s2012")),2013:\(scenario.uri("s2013"))",
                                              "--output", baseline])
        XCTAssertEqual(capture.status, 0, capture.stdout + capture.stderr)
        scenario.stop("s2012")
        scenario.stop("s2013")
        let fromBaseline = try VerifyResult(
            ["--inventory", scenario.directory.appendingPathComponent("md1-inventory.json").path,
             "--nbd-targets", "2012:\(scenario.uri("t2012")),2013:\(scenario.uri("t2013"))", "--baseline", baseline,
             "--content", "none"], reportDirectory: scenario.reportDirectory("md10-baseline"))
        XCTAssertEqual(fromBaseline.contaminationPairs, [["2013", "2012"]])
        XCTAssertEqual(fromBaseline.disk("2012")?["verdict"] as? String, "pass")
        XCTAssertTrue(message(fromBaseline, "identity-mismatch", of: "2013").contains("md device UUID"))
    }

    // MARK: btrfs RAID1

    func testBtrfsRaid1HealthyAndDuplicated() throws {
        let disks: [(key: Int, label: String, bytes: UInt64)] = [(2004, "Hard disk 1", 256 << 20), (2005, "Hard disk 2", 320 << 20)]
        let scenario = try Scenario(script: "make-verify-multi.sh", arguments: ["btrfs"])
        let ok = try verify(scenario, vm: "bt", disks: disks, targets: [(2004, "btrfs-2004.img"), (2005, "btrfs-2005.img")],
                            name: "btrfs-ok")
        XCTAssertEqual(ok.status, 0, ok.stdout + ok.stderr)
        XCTAssertTrue(message(ok, "multi-device-set", of: "2005").contains("btrfs filesystem 21000000-0000-4000-8000-0000000000b0 \"pgdata\""))

        let scenario2 = scenario
        let run = try verify(scenario2, vm: "bt", disks: disks,
                             targets: [(2004, "btrfs-2004.img"), (2005, "btrfs-2005-dup.img")], name: "btrfs-dup")
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        XCTAssertTrue(message(run, "duplicate-member", of: "2005").contains("btrfs device UUID"), "\(run.codes(of: "2005"))")
        XCTAssertTrue(message(run, "header-sized-for-other-disk", of: "2005").contains("btrfs dev_item.total_bytes"))
        XCTAssertEqual(run.contaminationPairs, [["2005", "2004"]])
        XCTAssertEqual(run.disk("2004")?["verdict"] as? String, "pass", "\(run.codes(of: "2004"))")
    }

    // MARK: ZFS

    func testZFSMirrorHealthyAndDuplicated() throws {
        let disks: [(key: Int, label: String, bytes: UInt64)] = [(2017, "Hard disk 1", 512 << 20), (2018, "Hard disk 2", 512 << 20)]
        let scenario = try Scenario(script: "make-verify-multi.sh", arguments: ["zfs"])
        let ok = try verify(scenario, vm: "z", disks: disks, targets: [(2017, "zfs-2017.img"), (2018, "zfs-2018.img")], name: "zfs-ok")
        // Before: duplicate-identity (critical) on both for the pool GUID.
        XCTAssertEqual(ok.status, 0, ok.stdout + ok.stderr)
        XCTAssertTrue(message(ok, "multi-device-set", of: "2017").contains("ZFS pool 2100000000000000017 \"tank\""))

        let scenario2 = scenario
        let run = try verify(scenario2, vm: "z", disks: disks, targets: [(2017, "zfs-2017.img"), (2018, "zfs-2018-dup.img")],
                             name: "zfs-dup")
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        let text = message(run, "duplicate-member", of: "2018")
        XCTAssertTrue(text.contains("ZFS vdev GUID 2100000000000002017 (role 0)"), text)
        XCTAssertTrue(text.contains("Role 1 is on no volume"), text)
    }

    func testZFSDeviceOfAnotherDiskIsNamedFromItsAsize() throws {
        let disks: [(key: Int, label: String, bytes: UInt64)] = [(2019, "Hard disk 1", 768 << 20), (2020, "Hard disk 2", Self.G)]
        let scenario = try Scenario(script: "make-verify-multi.sh", arguments: ["zfs"])
        let run = try verify(scenario, vm: "z", disks: disks, targets: [(2019, "zfs-2019.img"), (2020, "zfs-2020-dup.img")],
                             name: "zfs-size")
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        XCTAssertEqual(run.contaminationPairs, [["2020", "2019"]])
        XCTAssertTrue(message(run, "header-sized-for-other-disk", of: "2020").contains("ZFS label vdev_tree.asize"))
        XCTAssertEqual(run.disk("2019")?["verdict"] as? String, "pass", "\(run.codes(of: "2019"))")
    }

    // MARK: LVM

    func testLVMVolumeGroupOverTwoPVs() throws {
        let disks: [(key: Int, label: String, bytes: UInt64)] = [(2006, "Hard disk 1", Self.G), (2007, "Hard disk 2", 2 * Self.G)]
        let scenario = try Scenario(script: "make-verify-multi.sh", arguments: ["lvm"])
        let ok = try verify(scenario, vm: "lv", disks: disks, targets: [(2006, "lvm-2006.img"), (2007, "lvm-2007.img")], name: "lvm-ok")
        XCTAssertEqual(ok.status, 0, ok.stdout + ok.stderr)
        let set = message(ok, "multi-device-set", of: "2006")
        XCTAssertTrue(set.contains("LVM volume group") && set.contains("\"vgdata\""), set)
        XCTAssertTrue(set.contains("2100aa-0000-0000-0000-0000-0000-002006"), set)

        // 2007's volume carries 2006's whole-disk PV: its header records 1 GiB, 2006's capacity.
        let scenario2 = scenario
        let run = try verify(scenario2, vm: "lv", disks: disks,
                             targets: [(2006, "lvm-2006.img"), (2007, "lvm-2007-dup.img")], name: "lvm-dup")
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        XCTAssertEqual(run.contaminationPairs, [["2007", "2006"]])
        let sized = message(run, "header-sized-for-other-disk", of: "2007")
        XCTAssertTrue(sized.contains("1073741824 bytes (LVM PV header device_size)"), sized)
        XCTAssertTrue(message(run, "duplicate-member", of: "2007").contains("LVM PV UUID 2100aa-0000-0000-0000-0000-0000-002006"))
        XCTAssertFalse(run.stdout.contains("filesystem UUID 2100aa"), run.stdout)
        XCTAssertEqual(run.disk("2006")?["verdict"] as? String, "pass", "\(run.codes(of: "2006"))")

        // With the sources, the PV UUID is compared as what it is (not as a filesystem UUID).
        let withSources = try verify(scenario2, vm: "lv", disks: disks,
                                     targets: [(2006, "lvm-2006.img"), (2007, "lvm-2007-dup.img")],
                                     sources: [(2006, "lvm-2006.img"), (2007, "lvm-2007.img")], extra: ["--content", "none"],
                                     name: "lvm-src")
        XCTAssertEqual(withSources.contaminationPairs, [["2007", "2006"]])
        let mismatch = message(withSources, "identity-mismatch", of: "2007")
        XCTAssertTrue(mismatch.contains("whole disk LVM PV UUID 2100aa-0000-0000-0000-0000-0000-002007 expected, "
                                        + "2100aa-0000-0000-0000-0000-0000-002006 found"), mismatch)
        XCTAssertEqual(withSources.disk("2006")?["verdict"] as? String, "pass", "\(withSources.codes(of: "2006"))")
    }

    /// Issue 10, item 4: a whole-disk PV of disk 2006 written over the GPT disk 2025.
    func testWholeDiskPVOverAGPTDiskIsAttributedFromThePVSize() throws {
        let disks: [(key: Int, label: String, bytes: UInt64)] = [(2025, "Hard disk 1", 2 * Self.G), (2006, "Hard disk 2", Self.G)]
        let scenario = try Scenario(script: "make-verify-multi.sh", arguments: ["lvm"])
        let ok = try verify(scenario, vm: "pv", disks: disks, targets: [(2025, "gpt-2025.img"), (2006, "lvm-2006.img")], name: "pv-ok")
        XCTAssertEqual(ok.status, 0, ok.stdout + ok.stderr)
        let run = try verify(scenario, vm: "pv", disks: disks, targets: [(2025, "gpt-2025-pv.img"), (2006, "lvm-2006.img")],
                             name: "pv-over-gpt")
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        XCTAssertEqual(run.contaminationPairs, [["2025", "2006"]])
        // The summary wraps at the terminal width: compare with the white space folded.
        let folded = run.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        XCTAssertTrue(folded.contains("carries the multi-device member of disk 2006 (Hard disk 2, 1 GiB): its member header "
                                      + "records a device of 1073741824 bytes"), run.stdout)
        XCTAssertEqual(run.disk("2006")?["verdict"] as? String, "pass", "\(run.codes(of: "2006"))")
    }

    /// A disk grown in vSphere whose PV was never resized: its header records the old size,
    /// which is another disk's capacity — but that disk's volume holds its own PV.
    func testAGrownPVOfTheOtherDisksOldSizeIsNotContamination() throws {
        let disks: [(key: Int, label: String, bytes: UInt64)] = [(2026, "Hard disk 1", 2 * Self.G), (2006, "Hard disk 2", Self.G)]
        let scenario = try Scenario(script: "make-verify-multi.sh", arguments: ["lvm"])
        let run = try verify(scenario, vm: "grown", disks: disks, targets: [(2026, "lvm-2026.img"), (2006, "lvm-2006.img")],
                             name: "grown")
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        XCTAssertTrue(run.contamination.isEmpty)
    }

    func testPVLargerThanItsVolumeIsCriticalAndAttributed() throws {
        let disks: [(key: Int, label: String, bytes: UInt64)] = [(2006, "Hard disk 1", Self.G), (2007, "Hard disk 2", 2 * Self.G)]
        let scenario = try Scenario(script: "make-verify-multi.sh", arguments: ["lvm"])
        let run = try verify(scenario, vm: "lv", disks: disks,
                             targets: [(2006, "lvm-2006-dup.img"), (2007, "lvm-2007.img")], name: "lvm-big")
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        let larger = try XCTUnwrap(run.finding("filesystem-larger-than-container", of: "2006"))
        XCTAssertEqual(larger["severity"] as? String, "critical")
        XCTAssertTrue((larger["message"] as? String ?? "").contains("1073741824 bytes more than the 1073741824 bytes"))
        XCTAssertEqual(run.contaminationPairs, [["2006", "2007"]])
        XCTAssertEqual(run.disk("2007")?["verdict"] as? String, "pass", "\(run.codes(of: "2007"))")
    }

    // MARK: DOS label over a GPT disk, no sources (issue 10, item 4)

    func testDOSLabelOfAnotherDiskIsAttributedFromItsExtentAndTheStaleOwnLabel() throws {
        let disks: [(key: Int, label: String, bytes: UInt64)] = [(2008, "Hard disk 1", 2 * Self.G), (2009, "Hard disk 2", Self.G)]
        let scenario = try Scenario(script: "make-verify-multi.sh", arguments: ["mbr"])
        let ok = try verify(scenario, vm: "mbr", disks: disks, targets: [(2008, "gpt-2008.img"), (2009, "dos-2009.img")], name: "mbr-ok")
        XCTAssertEqual(ok.status, 0, ok.stdout + ok.stderr)

        let scenario2 = scenario
        let run = try verify(scenario2, vm: "mbr", disks: disks,
                             targets: [(2008, "gpt-2008-dup.img"), (2009, "dos-2009.img")], name: "mbr-dup")
        // Before: duplicate-identity on both volumes, no contamination named.
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        XCTAssertEqual(run.contaminationPairs, [["2008", "2009"]])
        let evidence = Set(run.contamination.first?["evidence"] as? [String] ?? [])
        XCTAssertTrue(evidence.isSuperset(of: ["partition-extent", "stale-own-label"]), "\(evidence)")
        XCTAssertTrue(run.codes(of: "2008").contains("duplicate-identity"))
        XCTAssertEqual(run.disk("2009")?["verdict"] as? String, "pass", "\(run.codes(of: "2009"))")
    }

    // MARK: cloned disks (issue 10, item 3)

    func testClonedSourceDisksAreNotDuplicatesOfTheCopies() throws {
        let disks: [(key: Int, label: String, bytes: UInt64)] = [(2010, "Hard disk 1", Self.G), (2011, "Hard disk 2", Self.G)]
        let scenario = try Scenario(script: "make-verify-multi.sh", arguments: ["clone"])
        try Tools.run("/bin/cp", ["--sparse=always", scenario.image("clone-2010.img"), scenario.image("vol-2010.img")])
        try Tools.run("/bin/cp", ["--sparse=always", scenario.image("clone-2011.img"), scenario.image("vol-2011.img")])
        let blind = try verify(scenario, vm: "clone", disks: disks, targets: [(2010, "vol-2010.img"), (2011, "vol-2011.img")],
                               name: "clone-blind")
        XCTAssertEqual(blind.status, 1, blind.stdout + blind.stderr)
        XCTAssertTrue(message(blind, "duplicate-identity", of: "2010").contains("If the two source disks are clones"))

        let scenario2 = scenario
        let run = try verify(scenario2, vm: "clone", disks: disks, targets: [(2010, "vol-2010.img"), (2011, "vol-2011.img")],
                             sources: [(2010, "clone-2010.img"), (2011, "clone-2011.img")], name: "clone-src")
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        XCTAssertFalse(run.allCodes.contains("duplicate-identity"))
    }

    // MARK: a target that is its own source (issue 21, item 5)

    func testTargetThatIsItsOwnSourceIsAMappingErrorAndNothingIsRead() throws {
        let scenario = try Scenario(script: "make-verify-multi.sh", arguments: ["md"])
        let server = try scenario.serve("x", image: "md10-2012.img", logRequests: true)
        try scenario.serve("y", image: "md10-2013.img")
        let inventory = try scenario.inventory(vm: "md1", disks: [(2012, "Hard disk 1", Self.G), (2013, "Hard disk 2", Self.G)])
        let own = try Repository.runTool(["verify", "--inventory", inventory,
                                          "--nbd-targets", "2012:\(scenario.uri("x")),2013:\(scenario.uri("y"))",
                                          "--nbd-sources", "2012:\(scenario.uri("x"))",
                                          "--report-dir", scenario.reportDirectory("self")])
        XCTAssertEqual(own.status, 2, own.stdout + own.stderr)
        XCTAssertTrue(own.stderr.contains("target-is-source"), own.stderr)
        XCTAssertTrue(own.stderr.contains("is also its source"), own.stderr)
        XCTAssertEqual(try server.requestCounts()["Read", default: 0], 0)

        // The same socket spelled differently, and another disk's source.
        let socket = scenario.uri("y").replacingOccurrences(of: "socket=/", with: "socket=//")
        let other = try Repository.runTool(["verify", "--inventory", inventory,
                                            "--nbd-targets", "2012:\(scenario.uri("x")),2013:\(scenario.uri("y"))",
                                            "--nbd-sources", "2012:\(socket)",
                                            "--report-dir", scenario.reportDirectory("other")])
        XCTAssertEqual(other.status, 2, other.stdout + other.stderr)
        let compare = try Repository.runTool(["compare", scenario.uri("x"), scenario.uri("x").replacingOccurrences(of: "socket=/", with: "socket=//")])
        XCTAssertEqual(compare.status, 2, compare.stdout + compare.stderr)
        XCTAssertTrue(compare.stderr.contains("are the same volume"), compare.stderr)
        XCTAssertTrue(other.stderr.contains("the target of disk 2013"), other.stderr)
        XCTAssertTrue(other.stderr.contains("is the source of disk 2012"), other.stderr)
        XCTAssertEqual(try server.requestCounts()["Read", default: 0], 0)
    }

    // MARK: smaller items (issue 21, item 6)

    func testALeftoverFilesystemTheSourceLacksIsAnIdentityDifferenceWithoutContent() throws {
        let scenario = try Scenario(script: "make-verify-multi.sh", arguments: ["extra"])
        let disks: [(key: Int, label: String, bytes: UInt64)] = [(2014, "Hard disk 1", Self.G)]
        let faithful = try verify(scenario, vm: "x", disks: disks, targets: [(2014, "extra-src-2014.img")],
                                  sources: [(2014, "extra-src-2014.img")], extra: ["--content", "none"], name: "extra-ok")
        XCTAssertEqual(faithful.status, 0, faithful.stdout + faithful.stderr)
        let scenario2 = scenario
        let run = try verify(scenario2, vm: "x", disks: disks, targets: [(2014, "extra-vol-2014.img")],
                             sources: [(2014, "extra-src-2014.img")], extra: ["--content", "none"], name: "extra")
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        let text = message(run, "identity-mismatch", of: "2014")
        XCTAssertTrue(text.contains("partition 2 has a xfs signature (UUID 21000000-0000-4000-8000-00000000e114) "
                                    + "that the source does not have"), text)
    }

    func testALabel512BytesShortSaysTheExactDifference() throws {
        let scenario = try Scenario(script: "make-verify-multi.sh", arguments: ["sizes"])
        let run = try verify(scenario, vm: "s", disks: [(2015, "Hard disk 1", Self.G)], targets: [(2015, "short-2015.img")],
                             name: "short")
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        let text = message(run, "label-sized-for-other-disk", of: "2015")
        XCTAssertTrue(text.contains("has 1073741824 bytes: the label is 512 bytes smaller than the disk."), text)
    }

    func testCapacityRoundedToWholeKiBIsWarnedAboutByInventoryAndVerify() throws {
        let scenario = try Scenario(script: "make-verify-multi.sh", arguments: ["sizes"])
        try scenario.serve("kb", image: "kb-2016.img")
        // Old govc: capacityInBytes 0, capacityInKB rounded down (the disk is 1 GiB + 512 bytes).
        let document = #"{"virtualMachines": [{"name": "kb", "config": {"name": "kb", "hardware": {"device": [{"key": 2016, "#
            + #""deviceInfo": {"label": "Hard disk 1"}, "capacityInKB": 1048576, "capacityInBytes": 0}]}}}]}"#
        let inventory = scenario.directory.appendingPathComponent("kb.json")
        try Data(document.utf8).write(to: inventory)
        let shown = try Repository.runTool(["inventory", inventory.path])
        XCTAssertEqual(shown.status, 0, shown.stderr)
        XCTAssertTrue(shown.stdout.contains("warning: disk 2016 has no capacityInBytes"), shown.stdout)
        let run = try VerifyResult(["--inventory", inventory.path, "--nbd-targets", "2016:\(scenario.uri("kb"))"],
                                   reportDirectory: scenario.reportDirectory("kb"))
        // The label reaches the volume's end and is this VM's only one of its kind: it is the
        // disk's own label (label-extended-to-volume), never another disk's; a label finding,
        // if any, states the 512-byte difference instead of hiding it.
        XCTAssertFalse(run.codes(of: "2016").contains("label-sized-for-other-disk") && !message(run, "label-sized-for-other-disk", of: "2016")
            .contains("the label is 512 bytes larger than the disk (the inventory's capacity is capacityInKB × 1024"), "\(run.codes(of: "2016"))")
        XCTAssertNotEqual(run.disk("2016")?["verdict"] as? String, "fail", "\(run.codes(of: "2016"))")
    }
}
