import BlockAccess
import Dispatch
import DiskProbe
import Foundation
import TestSupport
import XCTest

/// util-linux's own blkid test corpus (`../shared/util-linux-blkid-corpus/`, see its README):
/// 139 images with util-linux's expected results. The built `replica-audit inspect --format
/// json` must agree with them on every image — TYPE, UUID, LABEL (raw bytes), USAGE, VERSION
/// of the whole-disk signature; PTTYPE, the table's id and every partition (number, start,
/// size, type, UUID, name, nesting) — and must raise no error or critical finding on an image
/// util-linux treats as clean.
final class CorpusTests: XCTestCase {
    /// Images whose expected result comes from a newer libblkid than Debian 12's 2.38.1; for
    /// these the system's own `blkid -p` is the reference, since replica-audit runs that
    /// library. Each entry says what 2.38.1 lacks. `testOldLibraryCasesReallyNeedTheSystemReference`
    /// fails when an entry is no longer needed (a newer libblkid agrees with util-linux).
    static let oldLibrary: [String: String] = [
        "bcachefs": "no bcachefs prober", "bcachefs-2": "no bcachefs prober", "bcachefs-3": "no bcachefs prober",
        "bcache-B": "bcache prober sets no VERSION", "bcache-C": "bcache prober sets no VERSION",
        "bcache-journal": "bcache prober sets no VERSION or LABEL",
        "scoutfs_data": "no scoutfs prober", "scoutfs_meta": "no scoutfs prober",
        "cs_fvault2": "no cs_fvault2 (FileVault 2) prober",
        "swap-luks": "no fix for swap inside LUKS: reports the LUKS2 header instead of the swap area",
        "bitlocker-win7": "BitLocker prober sets no LABEL or UUID",
        "cramfs": "cramfs prober sets no VERSION", "cramfs-big": "cramfs prober sets no VERSION",
        "erofs-minix-magic": "erofs prober loses to minix's magic",
        "blkid-output": "cramfs prober sets no VERSION",
        "dasd-cdl": "no DASD (s390) partition table prober", "dasd-ldl": "no DASD (s390) partition table prober",
    ]

    struct Image {
        var name: String
        var path: String
        /// The expected-results file, or nil for an old-library case.
        var expected: URL
        var isPartitionTable: Bool
    }

    nonisolated(unsafe) static var workDir: URL?
    nonisolated(unsafe) static var images: [Image] = []
    nonisolated(unsafe) static var results: [String: (status: Int32, json: [String: Any]?, stderr: String)] = [:]
    nonisolated(unsafe) static var setUpError: String?

    static var corpus: URL { Repository.root.deletingLastPathComponent().appendingPathComponent("shared/util-linux-blkid-corpus") }

    override class func setUp() {
        super.setUp()
        do {
            try prepare()
        } catch {
            setUpError = "\(error)"
        }
    }

    override class func tearDown() {
        if let workDir { try? FileManager.default.removeItem(at: workDir) }
        super.tearDown()
    }

    /// Decompresses every image into a temporary directory (xz keeps them sparse) and runs
    /// `inspect --format json` over all of them, three processes at a time.
    static func prepare() throws {
        let dir = try TemporaryDirectory.make(prefix: "corpus")
        workDir = dir
        var list: [Image] = []
        for (sub, pt) in [("images-fs", false), ("images-pt", true), (".", false)] {
            let folder = corpus.appendingPathComponent(sub)
            for file in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() where file.hasSuffix(".img.xz") {
                let name = String(file.dropLast(".img.xz".count))
                let expectedName: String
                if name == "blkid-output" {
                    expectedName = "output-udev-probe"
                } else if pt {
                    expectedName = "lowprobe-pt-\(name)"
                } else {
                    expectedName = "low-probe-\(sessionZero(name))"
                }
                list.append(Image(name: name, path: dir.appendingPathComponent("\(name).img").path,
                                  expected: corpus.appendingPathComponent("expected/\(expectedName)"), isPartitionTable: pt))
            }
        }
        images = list
        let work = list
        let xz = try Tools.require("xz")
        let binary = try Repository.binary()
        let box = RunBox()
        let folders = ["images-fs", "images-pt", "."]
        DispatchQueue.concurrentPerform(iterations: 3) { worker in
            for (i, image) in work.enumerated() where i % 3 == worker {
                do {
                    let source = folders.lazy.map { corpus.appendingPathComponent("\($0)/\(image.name).img.xz").path }
                        .first { FileManager.default.fileExists(atPath: $0) } ?? ""
                    try Tools.run("/bin/sh", ["-c", "\"$0\" -dc \"$1\" > \"$2\"", xz, source, image.path], timeout: 60)
                    let run = try Tools.run(binary, ["inspect", image.path, "--format", "json"], check: false, timeout: 60)
                    box.add(image.name, run)
                } catch {
                    box.fail("\(image.name): \(error)")
                }
            }
        }
        for (name, run) in box.runs {
            results[name] = (run.status, try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], run.stderr)
        }
        if !box.failures.isEmpty { throw ToolError(box.failures.joined(separator: "\n")) }
    }

    /// The runs of the worker threads, collected under a lock.
    final class RunBox: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var runs: [String: Tools.Result] = [:]
        private(set) var failures: [String] = []
        func add(_ name: String, _ run: Tools.Result) { lock.withLock { runs[name] = run } }
        func fail(_ message: String) { lock.withLock { failures.append(message) } }
    }

    /// Multi-session images ("iso-multi-0-174-348-genisoimage") compare with their session-0
    /// result ("iso-multi-genisoimage-0"): inspect reads a volume from its start.
    static func sessionZero(_ name: String) -> String {
        let parts = name.split(separator: "-")
        guard let multi = parts.firstIndex(of: "multi"), multi + 1 < parts.count, parts[multi + 1] == "0" else { return name }
        let tool = parts.last!
        return (parts[..<multi] + ["multi", tool, "0"]).joined(separator: "-")
    }

    private func requireSetUp() throws {
        if let error = Self.setUpError { XCTFail("corpus set-up failed: \(error)"); throw ToolError(error) }
        XCTAssertEqual(Self.images.count, 139, "the corpus README promises 139 images")
    }

    // MARK: - Agreement

    func testEveryImageAgreesWithUtilLinuxOrTheSystemBlkid() throws {
        try requireSetUp()
        var disagreements: [String] = []
        var agreed = 0
        for image in Self.images {
            guard let result = Self.results[image.name], let json = result.json else {
                disagreements.append("\(image.name): no JSON (exit \(Self.results[image.name]?.status ?? -1)): \(Self.results[image.name]?.stderr ?? "")")
                continue
            }
            XCTAssertEqual(result.status, 0, "\(image.name): \(result.stderr)")
            let problems: [String]
            if Self.oldLibrary[image.name] != nil {
                // Debian 12's libblkid predates this prober or fix: agree with the system's blkid.
                let reference = try Tools.run("blkid", ["-p", "-o", "udev", image.path], check: false)
                problems = Self.compareSignature(json, expected: Self.parseUdev(reference.stdout), expectTable: false)
                    + (image.isPartitionTable ? Self.compareSystemTable(json, image: image) : [])
            } else if image.isPartitionTable {
                problems = Self.comparePartitionTable(json, expected: try String(contentsOf: image.expected, encoding: .utf8))
            } else {
                problems = Self.compareSignature(json, expected: Self.parseUdev(try String(contentsOf: image.expected, encoding: .utf8)),
                                                 expectTable: false)
            }
            if problems.isEmpty { agreed += 1 } else { disagreements.append("\(image.name): " + problems.joined(separator: "; ")) }
        }
        XCTAssertEqual(agreed, Self.images.count, "agreement \(agreed)/\(Self.images.count):\n" + disagreements.joined(separator: "\n"))
    }

    /// No `error` or `critical` finding on an image util-linux treats as clean: every
    /// filesystem image, and every partition-table image whose expected partitions lie inside
    /// the image and do not overlap (some of util-linux's table images are cut-down copies of
    /// larger disks, or have overlapping BSD slices; there such findings are right).
    func testNoErrorOrCriticalFindingOnCleanImages() throws {
        try requireSetUp()
        var clean = 0
        for image in Self.images {
            guard let json = Self.results[image.name]?.json else { XCTFail("\(image.name): no result"); continue }
            if image.isPartitionTable, Self.oldLibrary[image.name] == nil {
                let expected = try String(contentsOf: image.expected, encoding: .utf8)
                guard Self.expectedTableIsClean(expected) else { continue }
            }
            clean += 1
            let serious = (json["findings"] as? [[String: Any]] ?? []).filter { ["error", "critical"].contains($0["severity"] as? String) }
            XCTAssertEqual(serious.map { $0["code"] as? String ?? "?" }, [], "\(image.name): \(serious)")
        }
        XCTAssertGreaterThanOrEqual(clean, 133, "fewer clean images than the corpus has")
    }

    /// Every prober finds what it needs in the regions read: `probe-incomplete` fires on no
    /// image of the corpus (ext2/3/4, XFS, NTFS, FAT, UDF, BeFS, DDF, VMFS, ZFS, md, …).
    func testNoProbeIncompleteAnywhereInTheCorpus() throws {
        try requireSetUp()
        for image in Self.images {
            let codes = (Self.results[image.name]?.json?["findings"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
            XCTAssertFalse(codes.contains("probe-incomplete"), image.name)
        }
    }

    /// The structures libblkid's probers follow are found by following them, not because a
    /// large head or tail happened to cover them: with only 64 KiB read at each end, every
    /// such image still gives the same signature as with the defaults.
    func testFollowedStructuresDoNotDependOnTheHeadAndTailSizes() throws {
        try requireSetUp()
        let small = ProbeOptions(diskHeadBytes: 64 << 10, diskTailBytes: 64 << 10)
        let names = ["befs", "udf-hdd-macosx-2.60-4096", "udf-hdd-mkudffs-1.3-7", "udf-hdd-win7", "ddf-raid", "vmfs_volume",
                     "vmfs", "ntfs", "exfat", "fat32_xp_label1", "fat32_mkdosfs_label1_dosfslabel_label2", "fat16_noheads"]
        for name in names {
            let path = try XCTUnwrap(Self.images.first { $0.name == name }, name).path
            let volume = try VolumeOpener.open(path, options: VolumeOptions())
            defer { volume.close() }
            let reference = try DiskProber.probe(volume)
            let narrow = try DiskProber.probe(volume, options: small)
            XCTAssertNotNil(reference.filesystem, name)
            XCTAssertEqual(narrow.filesystem, reference.filesystem, name)
            XCTAssertNil(narrow.incompleteProbes, name)
        }
    }

    /// `probe-incomplete` fires where a prober's pointer leads outside the volume: copies of
    /// corpus images whose BeFS root directory, DDF primary header or UDF descriptor
    /// sequences were moved past the end. The system's `blkid -p` finds nothing there either.
    func testProbeIncompleteWhereAPointerLeadsOutside() throws {
        try requireSetUp()
        let dir = try XCTUnwrap(Self.workDir)
        func patched(_ name: String, _ edits: [(offset: Int64, bytes: [UInt8])]) throws -> String {
            let source = try XCTUnwrap(Self.images.first { $0.name == name }).path
            let copy = dir.appendingPathComponent("\(name)-lost.img").path
            try? FileManager.default.removeItem(atPath: copy)
            try FileManager.default.copyItem(atPath: source, toPath: copy)
            let handle = try XCTUnwrap(FileHandle(forUpdatingAtPath: copy))
            defer { try? handle.close() }
            let size = Int64(try handle.seekToEnd())
            for e in edits {
                try handle.seek(toOffset: UInt64(e.offset >= 0 ? e.offset : size + e.offset))
                handle.write(Data(e.bytes))
            }
            return copy
        }
        func le32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
        let udfSize = Int64(try XCTUnwrap((try FileManager.default.attributesOfItem(
            atPath: try XCTUnwrap(Self.images.first { $0.name == "udf-hdd-macosx-2.60-4096" }).path)[.size] as? NSNumber)?.int64Value))
        let vdsBeyond = le32(32768) + le32(0x7F_FFFF) + le32(32768) + le32(0x7F_FFFF)
        let cases: [(prober: String, path: String)] = [
            ("befs", try patched("befs", [(512 + 116, le32(0x7FFF) + [0, 0, 1, 0])])),
            ("ddf_raid_member", try patched("ddf-raid", [(-512 + 96, [0, 0, 0, 0, 0x7F, 0xFF, 0xFF, 0xFF])])),
            ("udf", try patched("udf-hdd-macosx-2.60-4096", [256 * 4096, udfSize - 4096, udfSize - 257 * 4096].map { ($0 + 16, vdsBeyond) })),
        ]
        for c in cases {
            let reference = try Tools.run("blkid", ["-p", "-o", "udev", c.path], check: false).stdout
            XCTAssertNil(Self.parseUdev(reference)["ID_FS_TYPE"], "\(c.prober): the system's blkid still identifies it")
            let run = try Repository.runTool(["inspect", c.path, "--format", "json"])
            XCTAssertEqual(run.status, 0, run.stderr)
            let doc = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            let findings = doc["findings"] as? [[String: Any]] ?? []
            let incomplete = findings.first { $0["code"] as? String == "probe-incomplete" }
            XCTAssertEqual(incomplete?["severity"] as? String, "info", "\(c.prober): \(findings)")
            XCTAssertEqual((incomplete?["evidence"] as? [String: Any])?["prober"] as? String, c.prober)
            XCTAssertFalse(findings.contains { ["error", "critical"].contains($0["severity"] as? String) }, "\(c.prober): \(findings)")
        }
    }

    /// Each old-library exemption must still be needed: the system's `blkid -p` really
    /// differs from util-linux's expected result there. A newer system libblkid makes this
    /// fail, and the entry must go.
    func testOldLibraryCasesReallyNeedTheSystemReference() throws {
        try requireSetUp()
        for image in Self.images where Self.oldLibrary[image.name] != nil {
            let system = Self.parseUdev(try Tools.run("blkid", ["-p", "-o", "udev", image.path], check: false).stdout)
            if image.isPartitionTable {
                XCTAssertNil(system["ID_PART_TABLE_TYPE"], "\(image.name): the system's libblkid now reads this table; remove the exemption")
            } else {
                let expected = Self.parseUdev(try String(contentsOf: image.expected, encoding: .utf8))
                let keys = ["ID_FS_TYPE", "ID_FS_UUID_ENC", "ID_FS_LABEL_ENC", "ID_FS_USAGE", "ID_FS_VERSION"]
                XCTAssertNotEqual(keys.map { system[$0] }, keys.map { expected[$0] },
                                  "\(image.name): the system's libblkid now agrees with util-linux; remove the exemption")
            }
        }
    }

    /// The issue's example: two different Windows-formatted FAT32 whole disks carry the same
    /// boot-code bytes where an MBR keeps its signature. They are no partition tables, so
    /// `verify` must not call that a shared identity.
    func testVerifyOverTwoDifferentFAT32DisksFindsNoDuplicateIdentity() throws {
        try requireSetUp()
        let a = try XCTUnwrap(Self.images.first { $0.name == "fat32_xp_label1" }).path
        let b = try XCTUnwrap(Self.images.first { $0.name == "fat32_xp_none" }).path
        let dir = try TemporaryDirectory.make(prefix: "corpus-verify")
        defer { try? FileManager.default.removeItem(at: dir) }
        func size(_ path: String) throws -> UInt64 {
            try XCTUnwrap((try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.uint64Value)
        }
        // Same boot code at offset 440 on both, different volume serials.
        let headA = try XCTUnwrap(FileHandle(forReadingAtPath: a)).readData(ofLength: 512)
        let headB = try XCTUnwrap(FileHandle(forReadingAtPath: b)).readData(ofLength: 512)
        XCTAssertEqual(headA[440..<444], headB[440..<444])
        let manifest = """
            {"manifestVersion": 1, "vm": {"name": "fat32", "format": "manifest"}, "disks": [
              {"key": "2000", "label": "Hard disk 1", "capacityBytes": \(try size(a))},
              {"key": "2001", "label": "Hard disk 2", "capacityBytes": \(try size(b))}]}
            """
        let inventory = dir.appendingPathComponent("inventory.json")
        try manifest.write(to: inventory, atomically: true, encoding: .utf8)
        let run = try Repository.runTool(["verify", "--inventory", inventory.path, "--target", "2000=\(a)", "--target", "2001=\(b)",
                                          "--report-dir", dir.appendingPathComponent("reports").path, "--format", "json"])
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(report["verdict"] as? String, "pass", run.stdout)
        let disks = try XCTUnwrap(report["disks"] as? [[String: Any]])
        XCTAssertEqual(disks.count, 2)
        for disk in disks {
            let codes = (disk["findings"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
            XCTAssertFalse(codes.contains("duplicate-identity"), "\(codes)")
            let family = (disk["checks"] as? [[String: Any]] ?? []).first { $0["family"] as? String == "duplicate-identity" }
            XCTAssertEqual(family?["verdict"] as? String, "pass", "\(disk)")
        }
    }

    /// The readers' disagreement on a FAT image is said, with both answers, as `info`.
    func testBootSectorLabelIsRejectedWithBothReadersAsEvidence() throws {
        try requireSetUp()
        let json = try XCTUnwrap(Self.results["fat32_xp_label1"]?.json)
        XCTAssertTrue(json["partitionTable"] is NSNull)
        XCTAssertEqual((json["partitions"] as? [Any])?.count, 0)
        let readers = try XCTUnwrap(json["partitionReaders"] as? [String: Any])
        XCTAssertEqual((readers["libfdisk"] as? [String: Any])?["type"] as? String, "dos")
        XCTAssertTrue(readers["libblkid"] is NSNull)
        XCTAssertEqual(readers["used"] as? String, "none")
        let finding = try XCTUnwrap((json["findings"] as? [[String: Any]])?.first { $0["code"] as? String == "partition-readers-disagree" })
        XCTAssertEqual(finding["severity"] as? String, "info")
        let evidence = try XCTUnwrap(finding["evidence"] as? [String: Any])
        XCTAssertEqual(((evidence["libfdisk"] as? [String: Any])?["partitions"] as? [Any])?.isEmpty, false)
        XCTAssertTrue((evidence["rejected"] as? String ?? "").contains("vfat boot sector"), "\(evidence)")
    }

    /// Tables libfdisk lacks come from libblkid and say so; nested BSD slices are listed with
    /// their parent; Sun's whole-disk entry is not a partition.
    func testTablesFromBothReadersSayWhichReaderTheyCameFrom() throws {
        try requireSetUp()
        let atari = try XCTUnwrap(Self.results["atari-xgm"]?.json)
        XCTAssertEqual((atari["partitionTable"] as? [String: Any])?["decodedBy"] as? String, "libblkid")
        let nested = try XCTUnwrap(Self.results["dos+bsd"]?.json)
        XCTAssertEqual((nested["partitionTable"] as? [String: Any])?["decodedBy"] as? String, "libfdisk+libblkid")
        let slices = (nested["partitions"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "nested" }
        XCTAssertEqual(slices.map { $0["number"] as? Int }, [5, 6])
        XCTAssertEqual(slices.map { $0["parent"] as? Int }, [2, 2])
        let sun = try XCTUnwrap(Self.results["sun"]?.json)
        XCTAssertEqual((sun["partitions"] as? [[String: Any]])?.count, 2)
        XCTAssertFalse((sun["findings"] as? [[String: Any]] ?? []).contains { $0["code"] as? String == "partitions-overlap" })
        let fat = try XCTUnwrap(Self.results["fat32_cp850_O_tilde"]?.json)
        let fs = try XCTUnwrap(fat["filesystem"] as? [String: Any])
        XCTAssertEqual(fs["labelHex"] as? String, "e5e5e5")
        XCTAssertEqual(fs["label"] as? String, "\u{FFFD}\u{FFFD}\u{FFFD}")
    }

    // MARK: - Comparison

    /// `KEY=VALUE` lines (blkid's udev output).
    static func parseUdev(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            result[String(line[..<eq])] = String(line[line.index(after: eq)...])
        }
        return result
    }

    /// The bytes of a blkid-encoded value (`\xNN` escapes, everything else literal UTF-8).
    static func decodeEncoded(_ s: String) -> [UInt8] {
        let bytes = Array(s.utf8)
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "\\"), i + 3 < bytes.count, bytes[i + 1] == UInt8(ascii: "x"),
               let v = UInt8(String(decoding: bytes[(i + 2)...(i + 3)], as: UTF8.self), radix: 16) {
                out.append(v)
                i += 4
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return out
    }

    static func hexBytes(_ hex: String) -> [UInt8] {
        let chars = Array(hex.utf8)
        return stride(from: 0, to: chars.count - 1, by: 2).compactMap { UInt8(String(decoding: chars[$0...($0 + 1)], as: UTF8.self), radix: 16) }
    }

    /// The whole-disk signature against `expected` (udev keys); with `expectTable` false the
    /// probe must also report no partition table, as util-linux's filesystem images have none.
    static func compareSignature(_ json: [String: Any], expected: [String: String], expectTable: Bool) -> [String] {
        var problems: [String] = []
        let fs = json["filesystem"] as? [String: Any]
        func raw(_ field: String) -> [UInt8]? {
            if let hex = fs?[field + "Hex"] as? String { return hexBytes(hex) }
            return (fs?[field] as? String).map { Array($0.utf8) }
        }
        func check(_ what: String, _ want: [UInt8]?, _ got: [UInt8]?) {
            if want != got {
                problems.append("\(what) expected \(want.map { String(decoding: $0, as: UTF8.self) } ?? "none"), got \(got.map { String(decoding: $0, as: UTF8.self) } ?? "none")")
            }
        }
        check("TYPE", expected["ID_FS_TYPE"].map { Array($0.utf8) }, (fs?["type"] as? String).map { Array($0.utf8) })
        check("UUID", expected["ID_FS_UUID_ENC"].map(decodeEncoded), raw("uuid"))
        check("LABEL", expected["ID_FS_LABEL_ENC"].map(decodeEncoded), raw("label"))
        check("USAGE", expected["ID_FS_USAGE"].map { Array($0.utf8) }, (fs?["usage"] as? String).map { Array($0.utf8) })
        check("VERSION", expected["ID_FS_VERSION"].map(decodeEncoded), (fs?["version"] as? String).map { Array($0.utf8) })
        if !expectTable, expected["ID_PART_TABLE_TYPE"] == nil, let table = json["partitionTable"] as? [String: Any] {
            problems.append("PTTYPE expected none, got \(table["type"] ?? "?")")
        }
        return problems
    }

    /// An old-library partition-table image: the system's libblkid reads no table there, and
    /// neither may inspect report one.
    static func compareSystemTable(_ json: [String: Any], image: Image) -> [String] {
        guard let table = json["partitionTable"] as? [String: Any] else { return [] }
        return ["PTTYPE expected none (system blkid), got \(table["type"] ?? "?")"]
    }

    /// One expected partition line: `#5:  7936  4864  0x7 (freebsd) name='…' uuid='…' type='…'`.
    struct ExpectedPartition {
        var number: Int
        var start: UInt64
        var size: UInt64
        var code: Int
        var nested: String?
        var attributes: [String: String]
    }

    static func parsePartitionTable(_ text: String) -> (size: UInt64, type: String, id: String?, partitions: [ExpectedPartition])? {
        let lines = text.split(separator: "\n").map(String.init)
        guard let header = lines.first else { return nil }
        var fields: [String: String] = [:]
        for item in header.split(separator: ",") {
            let kv = item.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if kv.count == 2 { fields[kv[0]] = kv[1] }
        }
        let idField = header.range(of: "id=").map { String(header[$0.upperBound...]) }
        guard let size = fields["size"].flatMap({ UInt64($0) }), let type = fields["PT"] else { return nil }
        var parts: [ExpectedPartition] = []
        for line in lines.dropFirst() where line.hasPrefix("#") {
            let colon = line.firstIndex(of: ":")!
            let number = Int(line[line.index(after: line.startIndex)..<colon]) ?? -1
            let rest = String(line[line.index(after: colon)...])
            let words = rest.split(separator: " ", omittingEmptySubsequences: true)
            guard words.count >= 3 else { continue }
            var attributes: [String: String] = [:]
            var scan = rest[...]
            while let eq = scan.range(of: "='") {
                let key = scan[..<eq.lowerBound].split(separator: " ").last.map(String.init) ?? ""
                let after = scan[eq.upperBound...]
                guard let close = after.firstIndex(of: "'") else { break }
                attributes[key] = String(after[..<close])
                scan = after[after.index(after: close)...]
            }
            let nested = words.first { $0.hasPrefix("(") && $0.hasSuffix(")") }.map { String($0.dropFirst().dropLast()) }
            parts.append(ExpectedPartition(number: number, start: UInt64(words[0]) ?? 0, size: UInt64(words[1]) ?? 0,
                                           code: Int(words[2].dropFirst(2), radix: 16) ?? -1, nested: nested, attributes: attributes))
        }
        return (size, type, idField == "(null)" ? nil : idField, parts)
    }

    /// The partition table against util-linux's `lowprobe-pt-NAME`.
    static func comparePartitionTable(_ json: [String: Any], expected text: String) -> [String] {
        guard let expected = parsePartitionTable(text) else { return ["unparsable expected file"] }
        var problems: [String] = []
        if (json["sizeBytes"] as? NSNumber)?.uint64Value != expected.size { problems.append("size differs") }
        guard let table = json["partitionTable"] as? [String: Any] else { return problems + ["PTTYPE expected \(expected.type), got none"] }
        if table["type"] as? String != expected.type { problems.append("PTTYPE expected \(expected.type), got \(table["type"] ?? "?")") }
        if let id = expected.id {
            let got = (table["diskId"] as? String ?? "").lowercased()
            if got != id.lowercased() && got != "0x" + id.lowercased() { problems.append("id expected \(id), got \(got)") }
        }
        let partitions = json["partitions"] as? [[String: Any]] ?? []
        if partitions.count != expected.partitions.count {
            problems.append("\(expected.partitions.count) partitions expected, got \(partitions.count)")
        }
        for e in expected.partitions {
            guard let p = partitions.first(where: { $0["number"] as? Int == e.number }) else {
                problems.append("partition \(e.number) missing"); continue
            }
            let start = (p["startBytes"] as? NSNumber)?.uint64Value ?? 0, size = (p["sizeBytes"] as? NSNumber)?.uint64Value ?? 0
            if start != e.start * 512 || size != e.size * 512 { problems.append("partition \(e.number) range differs") }
            let type = (p["type"] as? String ?? "").lowercased()
            if let t = e.attributes["type"] {
                if type != t.lowercased() { problems.append("partition \(e.number) type expected \(t), got \(type)") }
            } else if Int(type.dropFirst(2), radix: 16) != e.code {
                problems.append("partition \(e.number) type expected 0x\(String(e.code, radix: 16)), got \(type)")
            }
            if (p["uuid"] as? String)?.lowercased() != e.attributes["uuid"]?.lowercased() {
                problems.append("partition \(e.number) uuid expected \(e.attributes["uuid"] ?? "none"), got \(p["uuid"] ?? "none")")
            }
            if let n = e.attributes["name"], p["name"] as? String != n { problems.append("partition \(e.number) name expected \(n)") }
            if (e.nested != nil) != (p["kind"] as? String == "nested") { problems.append("partition \(e.number) nesting differs") }
        }
        return problems
    }

    /// Whether util-linux's expected table lies inside the image with no two partitions of one
    /// level overlapping (SGI's volume-header and whole-volume entries span the others by design).
    static func expectedTableIsClean(_ text: String) -> Bool {
        guard let t = parsePartitionTable(text) else { return false }
        let sectors = t.size / 512
        if t.partitions.contains(where: { $0.start + $0.size > sectors }) { return false }
        let parts = t.partitions.filter { !(t.type == "sgi" && ($0.code == 0 || $0.code == 6)) }
        for (i, a) in parts.enumerated() {
            for b in parts[(i + 1)...] where (a.nested == nil) == (b.nested == nil) {
                if a.start < b.start + b.size && b.start < a.start + a.size { return false }
            }
        }
        return true
    }
}
