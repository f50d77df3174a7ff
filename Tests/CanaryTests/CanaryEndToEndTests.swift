import Foundation
import TestSupport
import XCTest

/// Issue 14 end to end: `canary create` makes the seed incident's two disks (115 GiB and
/// 10 GiB, sparse), copies of them are damaged the way migration tools have damaged disks,
/// served by real nbdkit, and `verify --canary` must say exactly what happened.
final class CanaryEndToEndTests: XCTestCase {
    static let big: UInt64 = 123_480_309_760   // 115 GiB
    static let small: UInt64 = 10_737_418_240  // 10 GiB
    nonisolated(unsafe) static var shared: URL?

    /// The canary every test starts from, made once (seed 14) in a temporary directory.
    func canary() throws -> URL {
        if let dir = Self.shared { return dir }
        let dir = try TemporaryDirectory.make(prefix: "canary")
        let out = dir.appendingPathComponent("c").path
        let result = try Repository.runTool(["canary", "create", "--vm", "pgtest1", "--disk", "2000:115GiB:Hard disk 1",
                                             "--disk", "2001:10GiB:Hard disk 2", "--output", out, "--seed", "14"])
        XCTAssertEqual(result.status, 0, result.stderr)
        Self.shared = URL(fileURLWithPath: out)
        return URL(fileURLWithPath: out)
    }

    override class func tearDown() {
        if let dir = shared { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        shared = nil
        super.tearDown()
    }

    /// A sparse copy of `image` in a fresh directory.
    func copy(_ image: URL, name: String) throws -> String {
        let dir = try TemporaryDirectory.make(prefix: "canary-copy")
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent(name).path
        try Tools.run("cp", ["--sparse=always", image.path, path])
        return path
    }

    /// What `dd if=SOURCE of=TARGET bs=1M seek=SHIFT conv=notrunc,sparse` does — the data of
    /// `source` written over `target`, moved by `shift` bytes and cut at `target`'s end — but
    /// reading only the data extents (SEEK_DATA/SEEK_HOLE), so a 10 GiB sparse image takes
    /// milliseconds instead of reading 10 GiB of zeros.
    func overwrite(_ target: String, with source: String, shift: UInt64 = 0) throws {
        let input = open(source, O_RDONLY), output = open(target, O_WRONLY)
        defer { close(input); close(output) }
        guard input >= 0, output >= 0 else { throw ToolError("cannot open \(source) or \(target)") }
        let end = lseek(input, 0, SEEK_END), limit = lseek(output, 0, SEEK_END)
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var position = lseek(input, 0, 3 /* SEEK_DATA */)
        while position >= 0, position < end {
            let hole = lseek(input, position, 4 /* SEEK_HOLE */)
            var at = position
            while at < hole {
                let count = Int(min(Int64(buffer.count), Int64(hole - at)))
                let destination = at + off_t(shift)
                guard destination < limit else { return }
                let length = min(count, Int(limit - destination))
                guard buffer.withUnsafeMutableBytes({ pread(input, $0.baseAddress, count, at) }) == count,
                      buffer.withUnsafeBytes({ pwrite(output, $0.baseAddress, length, destination) }) == length else {
                    throw ToolError("copying \(source) over \(target) failed at byte \(at)")
                }
                at += off_t(count)
            }
            position = lseek(input, hole, 3 /* SEEK_DATA */)
        }
    }

    func serve(_ path: String) throws -> NBDKitServer {
        try NBDKitServer(plugin: "file", args: ["file=\(path)"], logRequests: true)
    }

    /// The NBD commands each server of the last `verify` received.
    var requests: [String: [String: Int]] = [:]
    /// The last `verify`'s report.html.
    var html = ""
    /// The last `verify`'s report.md.
    var markdown = ""

    /// Runs `verify --canary` over nbdkit servers of `images` and returns the exit status and report.json.
    func verify(_ manifest: String, _ images: [String: String], extra: [String] = []) throws -> (Tools.Result, [String: Any]) {
        let servers = try images.mapValues(serve)
        let spec = images.keys.sorted().map { "\($0):\(servers[$0]!.uri())" }.joined(separator: ",")
        let reports = try TemporaryDirectory.make(prefix: "canary-report")
        addTeardownBlock { try? FileManager.default.removeItem(at: reports) }
        let result = try Repository.runTool(["verify", "--canary", manifest, "--nbd-targets", spec, "--report-dir", reports.path,
                                             "--no-progress"] + extra)
        let data = (try? Data(contentsOf: reports.appendingPathComponent("report.json"))) ?? Data("{}".utf8)
        html = (try? String(contentsOf: reports.appendingPathComponent("report.html"), encoding: .utf8)) ?? ""
        markdown = (try? String(contentsOf: reports.appendingPathComponent("report.md"), encoding: .utf8)) ?? ""
        requests = try servers.mapValues { try $0.requestCounts() }
        return (result, try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:])
    }

    func canaryDisk(_ report: [String: Any], _ key: String) -> [String: Any] {
        let disks = (report["canary"] as? [String: Any])?["disks"] as? [[String: Any]] ?? []
        return disks.first { $0["key"] as? String == key } ?? [:]
    }

    func findings(_ report: [String: Any], _ key: String, code: String) -> [[String: Any]] {
        let disks = report["disks"] as? [[String: Any]] ?? []
        let disk = disks.first { $0["key"] as? String == key } ?? [:]
        return (disk["findings"] as? [[String: Any]] ?? []).filter { $0["code"] as? String == code }
    }

    func counts(_ report: [String: Any], _ key: String) -> [String: Int] {
        canaryDisk(report, key)["counts"] as? [String: Int] ?? [:]
    }

    // MARK: Images

    func testImagesAreSparseWithDistinctGPTsAndIntactFilesystems() throws {
        let dir = try canary()
        var info = stat()
        XCTAssertEqual(stat(dir.appendingPathComponent("2000.img").path, &info), 0)
        XCTAssertEqual(UInt64(info.st_size), Self.big)
        XCTAssertLessThan(UInt64(info.st_blocks) * 512, 16 << 20, "a 115 GiB canary stays a few MiB on the host")
        let a = try Tools.run("sgdisk", ["-p", dir.appendingPathComponent("2000.img").path]).stdout
        let b = try Tools.run("sgdisk", ["-p", dir.appendingPathComponent("2001.img").path]).stdout
        func guid(_ text: String) -> String? {
            text.split(separator: "\n").first { $0.hasPrefix("Disk identifier (GUID)") }.map(String.init)
        }
        XCTAssertNotNil(guid(a))
        XCTAssertNotEqual(guid(a), guid(b), "each disk has its own disk GUID")
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("canary.json"))) as! [String: Any]
        let disk = (manifest["disks"] as! [[String: Any]]).first { $0["key"] as? String == "2000" }!
        let partitions = disk["partitions"] as! [[String: Any]]
        // The filesystems stay clean with the canary blocks in their first and last MiB.
        let work = try TemporaryDirectory.make(prefix: "canary-fs")
        defer { try? FileManager.default.removeItem(at: work) }
        for p in partitions {
            guard let fs = p["filesystem"] as? String else { continue }
            let start = (p["startBytes"] as! NSNumber).uint64Value >> 20, size = (p["sizeBytes"] as! NSNumber).uint64Value >> 20
            let part = work.appendingPathComponent("p\(p["number"]!)").path
            try Tools.run("dd", ["if=\(dir.appendingPathComponent("2000.img").path)", "of=\(part)", "bs=1M", "skip=\(start)",
                                 "count=\(size)", "conv=sparse", "status=none"])
            if fs == "ext4" { try Tools.run("e2fsck", ["-fn", part]) } else { try Tools.run("fsck.fat", ["-n", part]) }
            let uuid = try Tools.run("blkid", ["-p", "-s", "UUID", "-o", "value", part]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            XCTAssertEqual(uuid, p["filesystemUUID"] as? String)
        }
        XCTAssertEqual(partitions.compactMap { $0["filesystem"] as? String }, ["vfat", "ext4"])
        // The manifest is an inventory.
        let inventory = try Repository.runTool(["inventory", dir.appendingPathComponent("canary.json").path, "--format", "json"])
        XCTAssertEqual(inventory.status, 0, inventory.stderr)
        XCTAssertTrue(inventory.stdout.contains("\"format\" : \"canary\"") || inventory.stdout.contains("\"format\":\"canary\""), inventory.stdout)
    }

    func testQcow2AndStreamOptimizedVMDKEqualTheRawImages() throws {
        for format in ["qcow2", "vmdk"] {
            let dir = try TemporaryDirectory.make(prefix: "canary-\(format)")
            defer { try? FileManager.default.removeItem(at: dir) }
            let out = dir.appendingPathComponent("c").path
            let made = try Repository.runTool(["canary", "create", "--vm", "vm9", "--disk", "7:300M", "--output", out,
                                               "--image-format", format, "--seed", "1"])
            XCTAssertEqual(made.status, 0, made.stderr)
            let info = try Tools.run("qemu-img", ["info", "--output=json", "\(out)/7.\(format)"]).stdout
            XCTAssertTrue(info.contains("\"format\": \"\(format)\""), info)
            if format == "vmdk" { XCTAssertTrue(info.contains("streamOptimized"), info) }
            try Tools.run("qemu-img", ["compare", "-q", "-f", "raw", "-F", format, "\(out)/7.img", "\(out)/7.\(format)"])
            // advance keeps the copies in step with the raw image.
            XCTAssertEqual(try Repository.runTool(["canary", "advance", out, "--seed", "2"]).status, 0)
            try Tools.run("qemu-img", ["compare", "-q", "-f", "raw", "-F", format, "\(out)/7.img", "\(out)/7.\(format)"])
        }
    }

    // MARK: Verify

    func testACorrectCopyPassesAlsoOntoALargerVolumeWithinASecond() throws {
        let dir = try canary()
        let larger = try copy(dir.appendingPathComponent("2001.img"), name: "2001-larger.img")
        try Tools.run("truncate", ["-s", "12G", larger])
        let (result, report) = try verify(dir.appendingPathComponent("canary.json").path,
                                          ["2000": dir.appendingPathComponent("2000.img").path, "2001": larger])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertEqual(report["verdict"] as? String, "pass")
        let big = canaryDisk(report, "2000")
        XCTAssertEqual(counts(report, "2000"), ["own": big["expectedBlocks"] as! Int])
        XCTAssertGreaterThan(big["expectedBlocks"] as! Int, 1800)
        XCTAssertEqual(counts(report, "2001"), ["own": canaryDisk(report, "2001")["expectedBlocks"] as! Int])
        // About 1,900 blocks over NBD within a second (a debug build on a shared machine gets slack).
        XCTAssertLessThan(big["seconds"] as! Double, 2.5)
        // Read-only: the servers saw reads and block status, nothing else.
        for (key, counts) in requests {
            XCTAssertEqual(Set(counts.keys).subtracting(["Read", "Extents", "BlockStatus"]), [], "\(key): \(counts)")
            XCTAssertGreaterThan((counts["Extents"] ?? 0) + (counts["BlockStatus"] ?? 0), 0, "\(key): holes come from block status")
        }
        XCTAssertGreaterThanOrEqual(requests["2000"]?["Read"] ?? 0, big["expectedBlocks"] as! Int)
        XCTAssertEqual(html.components(separatedBy: "class=\"canarystrip\"").count - 1, 2, "one canary strip per disk")
    }

    func testSeedLikeOverwriteIsContaminationWithItsExactRange() throws {
        let dir = try canary()
        let volume = try copy(dir.appendingPathComponent("2000.img"), name: "2000-incident.img")
        try overwrite(volume, with: dir.appendingPathComponent("2001.img").path)
        let (result, report) = try verify(dir.appendingPathComponent("canary.json").path,
                                          ["2000": volume, "2001": dir.appendingPathComponent("2001.img").path])
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        let entries = report["contamination"] as? [[String: Any]] ?? []
        let entry = try XCTUnwrap(entries.first { $0["disk"] as? String == "2000" && $0["carries"] as? String == "2001" }, "2000 <- 2001")
        XCTAssertTrue((entry["evidence"] as? [String] ?? []).contains("canary-blocks"))
        let details = entry["details"] as? [String: Any] ?? [:]
        XCTAssertEqual(details["canaryStart"] as? UInt64, 0)
        XCTAssertEqual(details["canaryEnd"] as? UInt64, Self.small, "disk 2001's image covers exactly its 10 GiB")
        let finding = try XCTUnwrap(findings(report, "2000", code: "content-from-other-disk").first)
        XCTAssertEqual(finding["severity"] as? String, "critical")
        XCTAssertTrue((finding["message"] as? String ?? "").contains("bytes 0–10737418240"), finding["message"] as? String ?? "")
        XCTAssertGreaterThan(counts(report, "2000")["other-disk"] ?? 0, 150)
        XCTAssertNil(counts(report, "2000")["not-written"], "nothing of 2000 is missing: 2001's zeros were never written over it")
        XCTAssertTrue(findings(report, "2001", code: "content-from-other-disk").isEmpty)
        XCTAssertEqual((report["disks"] as? [[String: Any]])?.last?["verdict"] as? String, "pass")
        // The strip draws disk 2001's blocks on 2000's volume in disk 2001's colour, and says so.
        XCTAssertTrue(html.contains("disk 2001&#39;s blocks (from its byte 524288)"), html)
        let other = counts(report, "2000")["other-disk"] ?? 0, own = counts(report, "2000")["own"] ?? 0
        XCTAssertTrue(html.contains("\(other) other-disk"), html)
        XCTAssertTrue(markdown.contains("Canary: \(other + own) locations — \(other) other-disk, \(own) own."), markdown)
    }

    func testACopyShiftedByOneMiBIsContentShifted() throws {
        let dir = try canary()
        let work = try TemporaryDirectory.make(prefix: "canary-shift")
        addTeardownBlock { try? FileManager.default.removeItem(at: work) }
        let volume = work.appendingPathComponent("2001-shifted.img").path
        try Tools.run("truncate", ["-s", String(Self.small), volume])
        try overwrite(volume, with: dir.appendingPathComponent("2001.img").path, shift: 1 << 20)
        let (result, report) = try verify(dir.appendingPathComponent("canary.json").path,
                                          ["2000": dir.appendingPathComponent("2000.img").path, "2001": volume])
        XCTAssertEqual(result.status, 1)
        let shifted = try XCTUnwrap(findings(report, "2001", code: "content-shifted").first)
        let evidence = shifted["evidence"] as? [String: Any] ?? [:]
        XCTAssertEqual(evidence["shiftBytes"] as? Int, 1_048_576)
        let expected = canaryDisk(report, "2001")["expectedBlocks"] as! Int
        XCTAssertEqual(evidence["count"] as? Int, expected - 1, "every block but the last MiB's, pushed past the end")
        XCTAssertEqual(counts(report, "2001")["not-written"], 1)
        XCTAssertEqual(counts(report, "2000"), ["own": canaryDisk(report, "2000")["expectedBlocks"] as! Int])
    }

    func testACopyTakenBeforeAdvanceIsStaleWithTheCount() throws {
        let dir = try TemporaryDirectory.make(prefix: "canary-stale")
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("c").path
        XCTAssertEqual(try Repository.runTool(["canary", "create", "--vm", "vm2", "--disk", "2000:2GiB", "--disk", "2001:1GiB",
                                               "--output", out, "--seed", "3"]).status, 0)
        let before = try copy(URL(fileURLWithPath: "\(out)/2000.img"), name: "2000-before.img")
        let advanced = try Repository.runTool(["canary", "advance", out, "--fraction", "0.25", "--seed", "5"])
        XCTAssertEqual(advanced.status, 0, advanced.stderr)
        let line = try XCTUnwrap(advanced.stdout.split(separator: "\n").first { $0.contains("disk 2000:") })
        let rewritten = Int(line.split(separator: " ")[2])!  // "  disk 2000: N of M blocks rewritten"
        XCTAssertGreaterThan(rewritten, 1)
        let (result, report) = try verify("\(out)/canary.json", ["2000": before, "2001": "\(out)/2001.img"])
        XCTAssertEqual(result.status, 1)
        let stale = try XCTUnwrap(findings(report, "2000", code: "content-stale").first)
        XCTAssertEqual((stale["evidence"] as? [String: Any])?["count"] as? Int, rewritten)
        XCTAssertEqual(counts(report, "2000")["stale"], rewritten)
        XCTAssertTrue(findings(report, "2001", code: "content-stale").isEmpty, "2001's copy is current")
        // The advanced images themselves pass.
        let (current, _) = try verify("\(out)/canary.json", ["2000": "\(out)/2000.img", "2001": "\(out)/2001.img"])
        XCTAssertEqual(current.status, 0, current.stdout)
    }

    func testAVolumeWhoseSecondHalfWasNeverWrittenIsNotWrittenWithTheRange() throws {
        let dir = try canary()
        let volume = try copy(dir.appendingPathComponent("2000.img"), name: "2000-half.img")
        let half = Self.big / 2
        try Tools.run("fallocate", ["--punch-hole", "--offset", String(half), "--length", String(Self.big - half), volume])
        let (result, report) = try verify(dir.appendingPathComponent("canary.json").path,
                                          ["2000": volume, "2001": dir.appendingPathComponent("2001.img").path])
        XCTAssertEqual(result.status, 1)
        let finding = try XCTUnwrap(findings(report, "2000", code: "content-not-written").first)
        let ranges = (finding["evidence"] as? [String: Any])?["ranges"] as? [[String: Any]] ?? []
        XCTAssertEqual(ranges.count, 1)
        let start = ranges.first?["start"] as? UInt64 ?? 0
        XCTAssertGreaterThanOrEqual(start, half)
        XCTAssertLessThan(start, half + (64 << 20), "the range starts at the first canary location of the second half")
        XCTAssertEqual(ranges.first?["end"] as? UInt64, Self.big - (1 << 20) + 4096, "and runs to the disk's last block")
        XCTAssertEqual(canaryDisk(report, "2000")["blocksRead"] as? Int, counts(report, "2000")["own"],
                       "block status answered the hole: no block of it was read")
    }

    func testATamperedBlockIsContentMismatch() throws {
        let dir = try canary()
        let volume = try copy(dir.appendingPathComponent("2001.img"), name: "2001-tampered.img")
        let offset = 128 << 20  // a stride block
        try Tools.sh("printf '\\xff' | dd of='\(volume)' bs=1 seek=\(offset + 100) conv=notrunc status=none")
        let (result, report) = try verify(dir.appendingPathComponent("canary.json").path,
                                          ["2000": dir.appendingPathComponent("2000.img").path, "2001": volume])
        XCTAssertEqual(result.status, 1)
        let finding = try XCTUnwrap(findings(report, "2001", code: "content-mismatch").first)
        let evidence = finding["evidence"] as? [String: Any] ?? [:]
        XCTAssertEqual(evidence["count"] as? Int, 1)
        XCTAssertEqual((evidence["ranges"] as? [[String: Any]])?.first?["start"] as? Int, offset)
        XCTAssertEqual(evidence["reasons"] as? [String], ["the HMAC does not hold"])
    }

    func testTheManifestIsAnInventoryForPreflightAndCapture() throws {
        let dir = try canary()
        let manifest = dir.appendingPathComponent("canary.json").path
        let work = try TemporaryDirectory.make(prefix: "canary-inventory")
        addTeardownBlock { try? FileManager.default.removeItem(at: work) }
        let blank = work.appendingPathComponent("blank.img").path
        try Tools.run("truncate", ["-s", "10G", blank])
        let preflight = try Repository.runTool(["preflight", "--inventory", manifest, "--target", "2001=\(blank)",
                                                "--target", "2000=\(dir.appendingPathComponent("2000.img").path)",
                                                "--report-dir", work.appendingPathComponent("pf").path])
        XCTAssertEqual(preflight.status, 0, preflight.stdout + preflight.stderr)
        XCTAssertTrue(preflight.stdout.contains("disk 2001 (Hard disk 2, 10 GiB)"), preflight.stdout)
        let capture = try Repository.runTool(["capture", "--inventory", manifest, "--source", "2001=\(dir.appendingPathComponent("2001.img").path)",
                                              "--source", "2000=\(dir.appendingPathComponent("2000.img").path)",
                                              "--output", work.appendingPathComponent("baseline.json").path])
        XCTAssertEqual(capture.status, 0, capture.stdout + capture.stderr)
        let baseline = try String(contentsOf: work.appendingPathComponent("baseline.json"), encoding: .utf8)
        XCTAssertTrue(baseline.contains("\"format\" : \"canary\"") || baseline.contains("\"format\":\"canary\""))
        // The canary's expected layout matches its own image: verify with the manifest alone passes.
        let plain = try Repository.runTool(["verify", "--inventory", manifest, "--target", "2000=\(dir.appendingPathComponent("2000.img").path)",
                                            "--target", "2001=\(dir.appendingPathComponent("2001.img").path)",
                                            "--report-dir", work.appendingPathComponent("v").path])
        XCTAssertEqual(plain.status, 0, plain.stdout)
    }

    // MARK: Errors

    func testWrongSecretMissingImageAndEditedManifestsAreOneLineErrors() throws {
        let dir = try canary()
        let work = try TemporaryDirectory.make(prefix: "canary-errors")
        addTeardownBlock { try? FileManager.default.removeItem(at: work) }
        let original = try Data(contentsOf: dir.appendingPathComponent("canary.json"))
        func edited(_ name: String, _ change: (inout [String: Any]) -> Void) throws -> String {
            var object = try JSONSerialization.jsonObject(with: original) as! [String: Any]
            change(&object)
            let path = work.appendingPathComponent(name).path
            try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
            return path
        }
        let images = ["2000": dir.appendingPathComponent("2000.img").path, "2001": dir.appendingPathComponent("2001.img").path]
        let wrongSecret = try edited("secret.json") { $0["secret"] = String(repeating: "ab", count: 32) }
        let (secret, _) = try verify(wrongSecret, images)
        XCTAssertEqual(secret.status, 2)
        XCTAssertTrue(secret.stderr.contains("the secret does not match these blocks"), secret.stderr)
        XCTAssertEqual(secret.stderr.split(separator: "\n").count, 1, secret.stderr)

        let badJSON = work.appendingPathComponent("bad.json").path
        try Data("{\"canaryVersion\": 1, \"disks\": [".utf8).write(to: URL(fileURLWithPath: badJSON))
        let schema = try edited("schema.json") { $0["canaryVersion"] = 2 }
        let sizes = try edited("sizes.json") { object in
            var disks = object["disks"] as! [[String: Any]]
            disks[1]["capacityBytes"] = 20 << 30
            object["disks"] = disks
        }
        for (path, expected) in [(badJSON, "not valid JSON"), (schema, "canaryVersion 2 is not supported"), (sizes, "the manifest was edited")] {
            let result = try Repository.runTool(["verify", "--canary", path, "--target", "2000=\(images["2000"]!)",
                                                 "--target", "2001=\(images["2001"]!)", "--report-dir", work.appendingPathComponent("r").path])
            XCTAssertEqual(result.status, 2, path)
            XCTAssertTrue(result.stderr.contains(expected), result.stderr)
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
            XCTAssertTrue(result.stdout.isEmpty, "nothing was read: \(result.stdout)")
        }
        // advance without one of the images.
        let small = work.appendingPathComponent("small").path
        XCTAssertEqual(try Repository.runTool(["canary", "create", "--vm", "v", "--disk", "1:64M", "--disk", "2:32M", "--output", small]).status, 0)
        try FileManager.default.removeItem(atPath: small + "/2.img")
        let missing = try Repository.runTool(["canary", "advance", small])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("the image of disk 2 is missing"), missing.stderr)
        // create refuses to overwrite a canary, and bad disk specs.
        let again = try Repository.runTool(["canary", "create", "--vm", "v", "--disk", "1:64M", "--output", small])
        XCTAssertEqual(again.status, 2)
        XCTAssertTrue(again.stderr.contains("already holds a canary"), again.stderr)
        let badSize = try Repository.runTool(["canary", "create", "--vm", "v", "--disk", "1:lots", "--output", work.appendingPathComponent("x").path])
        XCTAssertEqual(badSize.status, 2)
        XCTAssertTrue(badSize.stderr.contains("is not a size"), badSize.stderr)
    }
}
