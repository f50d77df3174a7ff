import Foundation
import TestSupport
import XCTest

/// Blank and half-written volumes (issue 9.3), served by nbdkit from images that
/// Fixtures/make-data-cases.sh builds with sgdisk, sfdisk and mkfs.ext4: each failing case
/// next to the faithful copy that must keep passing.
final class DataPresenceTests: XCTestCase {
    nonisolated(unsafe) static var shared: Scenario?

    /// The images, built once for the class (about ten seconds).
    func scenario() throws -> Scenario {
        if let s = Self.shared { return s }
        let s = try Scenario(script: "make-data-cases.sh")
        Self.shared = s
        return s
    }

    /// An inventory of the disks mapped (so that no disk is left unmapped).
    func inventory(_ s: Scenario, keys: [String], guest: [(path: String, bytes: UInt64, type: String, key: Int)] = []) throws -> String {
        let disks: [(key: Int, label: String, bytes: UInt64)] = [(2000, "Hard disk 1", 1 << 30), (2001, "Hard disk 2", 256 << 20)]
        return try s.inventory(vm: "data-" + keys.joined(separator: "-"), disks: disks.filter { keys.contains(String($0.key)) },
                               guest: guest)
    }

    func verify(_ s: Scenario, _ name: String, targets: [String: String], sources: [String: String] = [:],
                extra: [String] = ["--content", "none"], guest: [(path: String, bytes: UInt64, type: String, key: Int)] = [])
        throws -> VerifyResult {
        var arguments = ["--inventory", try inventory(s, keys: targets.keys.sorted(), guest: guest)]
        for (key, image) in targets.sorted(by: { $0.key < $1.key }) {
            try s.serve("t-\(name)-\(key)", image: image)
            arguments += ["--target", "\(key)=\(s.uri("t-\(name)-\(key)"))"]
        }
        for (key, image) in sources.sorted(by: { $0.key < $1.key }) {
            try s.serve("s-\(name)-\(key)", image: image)
            arguments += ["--source", "\(key)=\(s.uri("s-\(name)-\(key)"))"]
        }
        return try VerifyResult(arguments + extra, reportDirectory: s.reportDirectory(name))
    }

    func testAFaithfulSparseCopyPasses() throws {
        let s = try scenario()
        let run = try verify(s, "faithful", targets: ["2000": "vol2000.img", "2001": "vol2001.img"],
                             guest: [("/", 530_000_000, "ext4", 2000), ("/srv", 530_000_000, "ext4", 2000)])
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        XCTAssertEqual(run.verdict, "pass")
        XCTAssertFalse(run.allCodes.contains("volume-blank"))
        XCTAssertFalse(run.allCodes.contains("copy-incomplete"))
        XCTAssertFalse(run.allCodes.contains("guest-filesystem-missing"))
    }

    func testACopyThatStoppedAfter400MiBFailsNamingThePartitionAndWhereDataStops() throws {
        let s = try scenario()
        let run = try verify(s, "half", targets: ["2000": "half2000.img", "2001": "vol2001.img"],
                             guest: [("/", 530_000_000, "ext4", 2000), ("/srv", 530_000_000, "ext4", 2000)])
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        XCTAssertEqual(run.disk("2000")?["verdict"] as? String, "fail")
        XCTAssertEqual(run.disk("2001")?["verdict"] as? String, "pass")
        let finding = try XCTUnwrap(run.finding("copy-incomplete", of: "2000"), "\(run.codes(of: "2000"))")
        XCTAssertEqual(finding["severity"] as? String, "critical")
        let evidence = try XCTUnwrap(finding["evidence"] as? [String: Any])
        XCTAssertEqual(evidence["emptyPartitions"] as? [Int], [2])
        let end = try XCTUnwrap(evidence["dataEndBytes"] as? Int)
        XCTAssertGreaterThan(end, 0)
        XCTAssertLessThanOrEqual(end, 400 << 20)
        XCTAssertEqual(evidence["missingBackupGPTOffset"] as? Int, (1 << 30) - 512)
        XCTAssertTrue((finding["message"] as? String ?? "").contains("partition 2"))
        // The guest's /srv has a partition of its size, but nothing in it: a failure.
        let guest = try XCTUnwrap(run.finding("guest-filesystem-missing", of: "2000"))
        XCTAssertEqual(guest["severity"] as? String, "error")
    }

    func testACopyThatStoppedBeforeTheBackupGPTFails() throws {
        let s = try scenario()
        let run = try verify(s, "tail", targets: ["2000": "tail2000.img", "2001": "vol2001.img"])
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        let finding = try XCTUnwrap(run.finding("copy-incomplete", of: "2000"), "\(run.codes(of: "2000"))")
        let evidence = try XCTUnwrap(finding["evidence"] as? [String: Any])
        XCTAssertEqual(evidence["emptyPartitions"] as? [Int], [])
        XCTAssertEqual(evidence["missingBackupGPTOffset"] as? Int, (1 << 30) - 512)
    }

    func testAHalfCopyAgainstItsSourceNamesWhatTheSourceHas() throws {
        let s = try scenario()
        let run = try verify(s, "half-src", targets: ["2000": "half2000.img"], sources: ["2000": "src2000.img"])
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        let evidence = try XCTUnwrap(run.finding("copy-incomplete", of: "2000")?["evidence"] as? [String: Any])
        XCTAssertEqual(evidence["emptyHereButNotOnSource"] as? [Int], [2])
    }

    func testABlankVolumeFailsAndOneWhoseSourceIsBlankTooDoesNot() throws {
        let s = try scenario()
        let blank = try verify(s, "blank", targets: ["2000": "vol2000.img", "2001": "blank2001.img"])
        XCTAssertEqual(blank.status, 1, blank.stdout + blank.stderr)
        XCTAssertEqual(blank.disk("2001")?["verdict"] as? String, "fail")
        XCTAssertEqual(blank.disk("2000")?["verdict"] as? String, "pass")
        let finding = try XCTUnwrap(blank.finding("volume-blank", of: "2001"))
        XCTAssertEqual(finding["severity"] as? String, "critical")
        XCTAssertEqual((finding["evidence"] as? [String: Any])?["blankProven"] as? Bool, true)

        // The source of 2001 is blank as well (a disk never written in vSphere either).
        try Tools.sh("truncate -s 256M '\(s.image("blank-source2001.img"))'")
        let twin = try verify(s, "blank-twin", targets: ["2001": "blank2001.img"], sources: ["2001": "blank-source2001.img"],
                              extra: ["--content", "sample"])
        XCTAssertEqual(twin.disk("2001")?["verdict"] as? String, "pass", "\(twin.codes(of: "2001"))")
        XCTAssertEqual(twin.finding("volume-blank", of: "2001")?["severity"] as? String, "info")
    }

    /// A copy that stopped inside a filesystem, where no label says where data must go on
    /// (a DOS label's last partition, a whole-disk XFS or NTFS): the structure mkfs writes near
    /// the filesystem's end is missing. Each faithful twin passes.
    func testACopyThatStoppedInsideAFilesystemLacksItsEndStructure() throws {
        let s = try scenario()
        for (cut, faithful, place, type, structure) in [
            ("dos-cut2000.img", "dos2000.img", "partition 2", "ext4", "backup superblock of group"),
            ("xfs-cut2000.img", "xfs2000.img", "whole disk", "xfs", "superblock of allocation group"),
            ("ntfs-cut2000.img", "ntfs2000.img", "whole disk", "ntfs", "backup boot sector"),
        ] {
            let run = try verify(s, "cut-\(type)", targets: ["2000": cut])
            XCTAssertEqual(run.status, 1, "\(cut): " + run.stdout + run.stderr)
            let finding = try XCTUnwrap(run.finding("copy-incomplete", of: "2000"), "\(cut): \(run.codes(of: "2000"))")
            let evidence = try XCTUnwrap(finding["evidence"] as? [String: Any])
            let ends = try XCTUnwrap(evidence["missingFilesystemEnds"] as? [[String: Any]])
            XCTAssertEqual(ends.count, 1, cut)
            XCTAssertEqual(ends.first?["place"] as? String, place, cut)
            XCTAssertEqual(ends.first?["type"] as? String, type, cut)
            XCTAssertTrue((ends.first?["structure"] as? String ?? "").hasPrefix(structure), "\(ends)")
            let offset = try XCTUnwrap(ends.first?["offsetBytes"] as? Int)
            XCTAssertGreaterThanOrEqual(offset, try XCTUnwrap(evidence["dataEndBytes"] as? Int), cut)
            XCTAssertEqual(evidence["emptyPartitions"] as? [Int], [], cut)

            let twin = try verify(s, "whole-\(type)", targets: ["2000": faithful])
            XCTAssertEqual(twin.status, 0, "\(faithful): " + twin.stdout + twin.stderr)
            XCTAssertFalse(twin.allCodes.contains("copy-incomplete"), faithful)
            // The structure is recorded as present in the probe.
            let probe = try XCTUnwrap(twin.disk("2000")?["probe"] as? [String: Any])
            let signature = place == "whole disk" ? probe["filesystem"] as? [String: Any]
                : (probe["partitions"] as? [[String: Any]])?.last?["filesystem"] as? [String: Any]
            XCTAssertEqual((signature?["endStructure"] as? [String: Any])?["present"] as? Bool, true, faithful)
        }
        // Against a source that has it, the cut copy fails the same way; a source that lacks
        // it too (the same cut image) does not make the copy's gap its doing.
        let same = try verify(s, "cut-same-src", targets: ["2000": "xfs-cut2000.img"], sources: ["2000": "xfs-cut2000.img"],
                              extra: ["--content", "sample"])
        XCTAssertFalse(same.allCodes.contains("copy-incomplete"), "\(same.codes(of: "2000"))")
    }

    /// A copy with regions never written inside its data — the label, the end and the later
    /// partitions intact — fails by the structures mkfs spread through the filesystem that
    /// read as zeros; the faithful copies keep passing with every one of them present.
    func testACopyWithHolesInsideItsDataFails() throws {
        let s = try scenario()
        for (image, place, type, structure, offset) in [
            ("holes2000.img", "partition 1", "ext4", "backup superblock of group 1", (1 << 20) + (128 << 20)),
            ("xfs-holes2000.img", "whole disk", "xfs", "superblock of allocation group 1", 256 << 20),
            // libblkid cannot name an NTFS without its MFT: the boot sector says where it was.
            ("ntfs-mft2000.img", "whole disk", "ntfs", "MFT", try ntfsMFTOffset(s.image("ntfs2000.img"))),
            // mkntfs puts the MFT mirror in the middle of the volume.
            ("ntfs-mirror-hole2000.img", "whole disk", "ntfs", "MFT mirror", try ntfsMFTOffset(s.image("ntfs2000.img"), mirror: true)),
        ] {
            let run = try verify(s, "holes-\(image.dropLast(4))", targets: ["2000": image])
            XCTAssertEqual(run.status, 1, "\(image): " + run.stdout + run.stderr)
            let finding = try XCTUnwrap(run.finding("copy-incomplete", of: "2000"), "\(image): \(run.codes(of: "2000"))")
            XCTAssertEqual(finding["severity"] as? String, "critical")
            XCTAssertTrue((finding["message"] as? String ?? "").contains("never written"), "\(finding)")
            let evidence = try XCTUnwrap(finding["evidence"] as? [String: Any])
            let holes = try XCTUnwrap(evidence["filesystemHoles"] as? [[String: Any]])
            XCTAssertEqual(holes.count, 1, "\(holes)")
            XCTAssertEqual(holes.first?["place"] as? String, place)
            XCTAssertEqual(holes.first?["type"] as? String, type)
            XCTAssertTrue((holes.first?["structure"] as? String ?? "").hasPrefix(structure), "\(holes)")
            XCTAssertEqual(holes.first?["offsetBytes"] as? Int, offset)
            XCTAssertLessThan(offset, try XCTUnwrap(evidence["dataEndBytes"] as? Int))
            XCTAssertEqual((evidence["missingFilesystemEnds"] as? [[String: Any]])?.count, 0, image)
            // A source with the same holes: not the copy's doing.
            let same = try verify(s, "holes-same-\(image.dropLast(4))", targets: ["2000": image], sources: ["2000": image],
                                  extra: ["--content", "sample"])
            XCTAssertFalse(same.allCodes.contains("copy-incomplete"), "\(same.codes(of: "2000"))")
        }
        for faithful in ["vol2000.img", "xfs2000.img", "ntfs2000.img"] {
            let run = try verify(s, "no-holes-\(faithful)", targets: ["2000": faithful])
            XCTAssertEqual(run.status, 0, "\(faithful): " + run.stdout + run.stderr)
            let probe = try XCTUnwrap(run.disk("2000")?["probe"] as? [String: Any])
            let signatures = ([probe["filesystem"]] + ((probe["partitions"] as? [[String: Any]]) ?? []).map { $0["filesystem"] })
                .compactMap { $0 as? [String: Any] }
            let interior = signatures.compactMap { $0["interiorStructures"] as? [String: Any] }
            XCTAssertFalse(interior.isEmpty, faithful)
            for i in interior {
                XCTAssertGreaterThan(i["checked"] as? Int ?? 0, 0, faithful)
                XCTAssertEqual((i["missing"] as? [Any])?.count, 0, faithful)
            }
        }
    }

    /// A volume whose label is all there is (both GPT headers, a partition that holds
    /// nothing): never a pass on the inventory alone, since nothing beyond the label was
    /// checked; against a source with a filesystem there, copy-incomplete; against a source
    /// that is the same (a disk never formatted), a pass.
    func testAVolumeThatHoldsOnlyItsLabelIsNeverAPassAlone() throws {
        let s = try scenario()
        let alone = try verify(s, "label-only", targets: ["2001": "label2001.img"])
        XCTAssertEqual(alone.status, 3, alone.stdout + alone.stderr)
        XCTAssertEqual(alone.disk("2001")?["verdict"] as? String, "inconclusive")
        let finding = try XCTUnwrap(alone.finding("volume-label-only", of: "2001"), "\(alone.codes(of: "2001"))")
        XCTAssertEqual(finding["severity"] as? String, "warning")
        XCTAssertTrue((finding["message"] as? String ?? "").contains("1 partition holds neither data nor a filesystem signature"),
                      "\(finding)")
        XCTAssertFalse(alone.allCodes.contains("copy-incomplete"), "\(alone.allCodes)")
        // The rule's finding replaces the probe's own (inspect reports it too): one, not two.
        XCTAssertEqual(alone.codes(of: "2001").filter { $0 == "volume-label-only" }.count, 1, "\(alone.codes(of: "2001"))")

        let formattedSource = try verify(s, "label-only-src", targets: ["2001": "label2001.img"], sources: ["2001": "src2001.img"])
        XCTAssertEqual(formattedSource.status, 1, formattedSource.stdout + formattedSource.stderr)
        XCTAssertNotNil(formattedSource.finding("copy-incomplete", of: "2001"), "\(formattedSource.codes(of: "2001"))")
        XCTAssertNil(formattedSource.finding("volume-label-only", of: "2001"))

        let sameSource = try verify(s, "label-only-same", targets: ["2001": "label2001.img"], sources: ["2001": "label2001.img"])
        XCTAssertEqual(sameSource.status, 0, sameSource.stdout + sameSource.stderr)
        XCTAssertEqual(sameSource.codes(of: "2001").filter { $0 == "volume-label-only" }.count, 1, "\(sameSource.codes(of: "2001"))")
        XCTAssertEqual(sameSource.finding("volume-label-only", of: "2001")?["severity"] as? String, "info")

        // A faithful copy with a filesystem in its partition carries no such finding.
        let faithful = try verify(s, "label-and-data", targets: ["2001": "vol2001.img"])
        XCTAssertEqual(faithful.status, 0, faithful.stdout + faithful.stderr)
        XCTAssertFalse(faithful.allCodes.contains("volume-label-only"))
    }

    /// Where an NTFS boot sector puts its MFT: MFT cluster × bytes per sector × sectors per cluster.
    /// Where an NTFS boot sector puts its MFT (the cluster at 0x30), or with `mirror` its MFT
    /// mirror ($MFTMirr, the cluster at 0x38).
    func ntfsMFTOffset(_ path: String, mirror: Bool = false) throws -> Int {
        let handle = try XCTUnwrap(FileHandle(forReadingAtPath: path))
        defer { try? handle.close() }
        let boot = [UInt8](try handle.read(upToCount: 512) ?? Data())
        let sectorBytes = Int(boot[0x0B]) | Int(boot[0x0C]) << 8
        let field = mirror ? 0x38 : 0x30
        let cluster = (0..<8).reduce(0) { $0 | Int(boot[field + $1]) << (8 * $1) }
        return cluster * sectorBytes * Int(boot[0x0D])
    }

    /// A volume whose label and signatures were wiped (wipefs -a) holds data and nothing
    /// recognisable: never a pass. A raw-data disk copied faithfully is checked by its
    /// content against its source instead, and passes; against another disk's raw data it fails.
    func testAWipedVolumeIsNeverAPassAndRawDataIsJudgedByItsContent() throws {
        let s = try scenario()
        let wiped = try verify(s, "wiped", targets: ["2000": "vol2000.img", "2001": "wiped2001.img"])
        XCTAssertEqual(wiped.status, 3, wiped.stdout + wiped.stderr)
        XCTAssertEqual(wiped.verdict, "inconclusive")
        XCTAssertEqual(wiped.disk("2000")?["verdict"] as? String, "pass")
        XCTAssertEqual(wiped.disk("2001")?["verdict"] as? String, "inconclusive")
        let finding = try XCTUnwrap(wiped.finding("volume-unrecognised", of: "2001"), "\(wiped.codes(of: "2001"))")
        XCTAssertEqual(finding["severity"] as? String, "warning")
        let evidence = try XCTUnwrap(finding["evidence"] as? [String: Any])
        XCTAssertEqual(evidence["labelRemnants"] as? [String], ["1 MBR partition entry (type 0xee) without the 0x55AA boot signature"])
        XCTAssertGreaterThan(evidence["nonZeroBlocks"] as? Int ?? 0, 0)
        XCTAssertTrue((finding["message"] as? String ?? "").contains("as a wiped label leaves it"), "\(finding)")
        // Against its (labelled) source the layout differs: a failure.
        let wipedSrc = try verify(s, "wiped-src", targets: ["2001": "wiped2001.img"], sources: ["2001": "src2001.img"])
        XCTAssertEqual(wipedSrc.status, 1, wipedSrc.stdout + wipedSrc.stderr)
        let againstSource = try XCTUnwrap(wipedSrc.finding("volume-unrecognised", of: "2001"), "\(wipedSrc.codes(of: "2001"))")
        XCTAssertEqual(againstSource["severity"] as? String, "warning")
        XCTAssertTrue((againstSource["message"] as? String ?? "").contains("Its source has a label or signature"), "\(againstSource)")

        // Raw data alone: inconclusive too. With its source and the content compared: a pass.
        let raw = try verify(s, "raw", targets: ["2001": "raw-copy2001.img"])
        XCTAssertEqual(raw.status, 3, raw.stdout + raw.stderr)
        XCTAssertEqual(raw.finding("volume-unrecognised", of: "2001")?["severity"] as? String, "warning")
        XCTAssertEqual(raw.finding("volume-unrecognised", of: "2001").flatMap { $0["evidence"] as? [String: Any] }?["labelRemnants"]
                       as? [String], [])
        let rawSrc = try verify(s, "raw-src", targets: ["2001": "raw-copy2001.img"], sources: ["2001": "raw2001.img"],
                                extra: ["--content", "sample"])
        XCTAssertEqual(rawSrc.status, 0, rawSrc.stdout + rawSrc.stderr)
        XCTAssertEqual(rawSrc.finding("volume-unrecognised", of: "2001")?["severity"] as? String, "info")
        // Without the content compared, nothing about the raw data was checked: still inconclusive.
        let rawNoContent = try verify(s, "raw-src-none", targets: ["2001": "raw-copy2001.img"], sources: ["2001": "raw2001.img"])
        XCTAssertEqual(rawNoContent.status, 3, rawNoContent.stdout + rawNoContent.stderr)
        // Another disk's raw data against this source: the content differs.
        let other = try verify(s, "raw-other", targets: ["2001": "wiped2001.img"], sources: ["2001": "raw2001.img"],
                               extra: ["--content", "sample"])
        XCTAssertEqual(other.status, 1, other.stdout + other.stderr)
        XCTAssertNotNil(other.finding("content-mismatch", of: "2001"), "\(other.codes(of: "2001"))")
    }

    func testInspectReportsBlankWrittenZerosALabelAloneAndADOSHalfCopy() throws {
        let s = try scenario()
        func inspect(_ image: String) throws -> [String: Any] {
            let run = try Repository.runTool(["inspect", s.image(image), "--format", "json"])
            XCTAssertEqual(run.status, 0, run.stderr)
            return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        }
        func codes(_ doc: [String: Any]) -> [String: String] {
            Dictionary(((doc["findings"] as? [[String: Any]]) ?? []).map { ($0["code"] as! String, $0["severity"] as! String) },
                       uniquingKeysWith: { a, _ in a })
        }
        // 64 MiB of written zeros: block status says data; the reads find none.
        let dense = try inspect("dense2001.img")
        XCTAssertEqual(codes(dense)["volume-blank"], "warning")
        XCTAssertEqual((dense["dataExtent"] as? [String: Any])?["blankProven"] as? Bool, false)
        let dosHalf = try inspect("dos-half2000.img")
        XCTAssertEqual(codes(dosHalf)["copy-incomplete"], "critical")
        // A label and nothing in its partition: no inventory says what it should hold, but a
        // person looking at it is told that nothing beyond the label could be checked.
        let labelOnly = try inspect("label2001.img")
        XCTAssertEqual(codes(labelOnly)["volume-label-only"], "warning", "\(codes(labelOnly))")
        let labelFinding = try XCTUnwrap((labelOnly["findings"] as? [[String: Any]])?.first { $0["code"] as? String == "volume-label-only" })
        XCTAssertTrue((labelFinding["message"] as? String ?? "").hasPrefix(
            "The volume holds a gpt table whose 1 partition holds neither data nor a filesystem signature"), "\(labelFinding)")
        XCTAssertEqual((labelFinding["evidence"] as? [String: Any])?["partitions"] as? Int, 1)
        XCTAssertNil(codes(labelOnly)["copy-incomplete"])
        let text = try Repository.runTool(["inspect", s.image("label2001.img")])
        XCTAssertTrue(text.stdout.contains("[warning] volume-label-only:"), text.stdout)
        for faithful in ["dos2000.img", "vol2000.img", "src2001.img"] {
            let doc = try inspect(faithful)
            XCTAssertNil(codes(doc)["copy-incomplete"], faithful)
            XCTAssertNil(codes(doc)["volume-blank"], faithful)
            XCTAssertNil(codes(doc)["volume-label-only"], faithful)
            XCTAssertEqual((doc["dataExtent"] as? [String: Any])?["holdsData"] as? Bool, true, faithful)
        }
    }

    func testWithoutBlockStatusSampledReadsStillFindTheHalfCopy() throws {
        let s = try scenario()
        let server = try s.serve("noextents-half", image: "half2000.img", filters: ["noextents"])
        let run = try Repository.runTool(["inspect", server.uri(), "--format", "json"])
        let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let codes = ((doc["findings"] as? [[String: Any]]) ?? []).compactMap { $0["code"] as? String }
        XCTAssertTrue(codes.contains("copy-incomplete"), "\(codes)")
        let faithful = try s.serve("noextents-vol", image: "vol2000.img", filters: ["noextents"])
        let ok = try Repository.runTool(["inspect", faithful.uri(), "--format", "json"])
        XCTAssertFalse(ok.stdout.contains("\"copy-incomplete\""))
    }

    func testABaselineOfABlankSourceKeepsABlankVolumeFromFailing() throws {
        let s = try scenario()
        let inventory = try inventory(s, keys: ["2001"])
        try Tools.sh("truncate -s 256M '\(s.image("blank-capture2001.img"))'")
        let source = try s.serve("blank-capture-src", image: "blank-capture2001.img")
        let baseline = s.directory.appendingPathComponent("blank-baseline.json").path
        let capture = try Repository.runTool(["capture", "--inventory", inventory, "--source", "2001=\(source.uri())",
                                              "--output", baseline])
        XCTAssertEqual(capture.status, 0, capture.stderr)
        try s.serve("blank-capture-t", image: "blank2001.img")
        let twin = try VerifyResult(["--inventory", inventory, "--target", "2001=\(s.uri("blank-capture-t"))", "--baseline", baseline],
                                    reportDirectory: s.reportDirectory("blank-baseline"))
        XCTAssertEqual(twin.status, 0, twin.stdout + twin.stderr)
        XCTAssertEqual(twin.finding("volume-blank", of: "2001")?["severity"] as? String, "info")
        // The same blank volume against the baseline of a source with data fails.
        let dataSource = try s.serve("data-capture-src", image: "src2001.img")
        let dataBaseline = s.directory.appendingPathComponent("data-baseline.json").path
        XCTAssertEqual(try Repository.runTool(["capture", "--inventory", inventory, "--source", "2001=\(dataSource.uri())",
                                               "--output", dataBaseline]).status, 0)
        let failing = try VerifyResult(["--inventory", inventory, "--target", "2001=\(s.uri("blank-capture-t"))",
                                        "--baseline", dataBaseline], reportDirectory: s.reportDirectory("blank-baseline-data"))
        XCTAssertEqual(failing.status, 1, failing.stdout + failing.stderr)
        XCTAssertEqual(failing.finding("volume-blank", of: "2001")?["severity"] as? String, "critical")
    }
}
