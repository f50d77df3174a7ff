import Foundation
import TestSupport
import XCTest

/// Issue 12: `preflight` before the copy, `--volume KEY=VOLUME_ID` through a by-id
/// directory, `devices`, and `verify --preflight` — through the built binary, over real
/// nbdkit servers, image files and (where the machine has them) loop devices.
final class PreflightTests: XCTestCase {
    static let gib: UInt64 = 1 << 30
    static let id2000 = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
    static let id2001 = "7f6e5d4c-3b2a-4918-a7b6-c5d4e3f2a1b0"

    /// A finished `preflight` run with its preflight.json.
    struct PreflightResult {
        let status: Int32
        let stdout: String
        let stderr: String
        let report: [String: Any]

        init(_ arguments: [String], reportDirectory: String) throws {
            let result = try Repository.runTool(["preflight"] + arguments + ["--report-dir", reportDirectory])
            status = result.status
            stdout = result.stdout
            stderr = result.stderr
            let data = try Data(contentsOf: URL(fileURLWithPath: reportDirectory).appendingPathComponent("preflight.json"))
            report = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        }

        var verdict: String? { report["verdict"] as? String }
        var vmFindings: [[String: Any]] { report["findings"] as? [[String: Any]] ?? [] }
        func disk(_ key: String) -> [String: Any]? { (report["disks"] as? [[String: Any]])?.first { $0["key"] as? String == key } }
        func findings(of key: String) -> [[String: Any]] { disk(key)?["findings"] as? [[String: Any]] ?? [] }
        func finding(_ code: String, of key: String) -> [String: Any]? { findings(of: key).first { $0["code"] as? String == code } }
        func vmFinding(_ code: String) -> [String: Any]? { vmFindings.first { $0["code"] as? String == code } }
        var output: String { stdout + stderr }
    }

    /// A temporary directory with sparse images made by shell, and nbdkit servers on them.
    final class Workspace {
        let directory: URL
        var servers: [NBDKitServer] = []
        init() throws { directory = try TemporaryDirectory.make(prefix: "preflight") }
        deinit {
            for server in servers { server.stop() }
            try? FileManager.default.removeItem(at: directory)
        }
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        /// A blank sparse image of `bytes`.
        @discardableResult
        func blank(_ name: String, bytes: UInt64) throws -> String {
            try Tools.sh("truncate -s \(bytes) '\(path(name))'")
            return path(name)
        }
        /// A GPT disk of `bytes` with two partitions and the given disk GUID, grown to `grownTo`
        /// afterwards (the label keeps its size: a leftover on a larger volume).
        @discardableResult
        func gpt(_ name: String, bytes: UInt64, guid: String, grownTo: UInt64? = nil) throws -> String {
            let p = path(name)
            try Tools.sh("truncate -s \(bytes) '\(p)' && sgdisk -U \(guid) -n 1:2048:+16M -t 1:8300 -n 2:0:0 -t 2:8200 '\(p)' >/dev/null")
            // A filesystem in partition 1, as a replicated disk has (a label alone is volume-label-only).
            try Tools.sh("mkfs.fat -F 16 --offset 2048 -i \(guid.prefix(8)) '\(p)' 16384 >/dev/null")
            if let grownTo { try Tools.sh("truncate -s \(grownTo) '\(p)'") }
            return p
        }
        func serve(_ image: String, readOnly: Bool = false, logRequests: Bool = false) throws -> NBDKitServer {
            let server = try NBDKitServer(plugin: "file", args: ["file=\(image)"], logRequests: logRequests,
                                          extraOptions: readOnly ? ["-r"] : [])
            servers.append(server)
            return server
        }
        func inventory(_ disks: [(Int, String, UInt64)]) throws -> String {
            let devices: [[String: Any]] = disks.enumerated().map { index, disk in
                ["_typeName": "VirtualDisk", "key": disk.0,
                 "deviceInfo": ["_typeName": "Description", "label": disk.1, "summary": "\(disk.2 / 1024) KB"],
                 "backing": ["_typeName": "VirtualDiskFlatVer2BackingInfo", "fileName": "[ds] pgtest1/pgtest1_\(index).vmdk",
                             "diskMode": "persistent", "thinProvisioned": true],
                 "controllerKey": 1000, "unitNumber": index, "capacityInKB": disk.2 / 1024, "capacityInBytes": disk.2]
            }
            let document: [String: Any] = ["virtualMachines": [[
                "self": ["type": "VirtualMachine", "value": "vm-4242"], "name": "pgtest1",
                "config": ["name": "pgtest1", "uuid": "4212f0c1-1111-2222-3333-444455556666",
                           "hardware": ["numCPU": 2, "memoryMB": 4096, "device": devices]],
            ]]]
            let url = directory.appendingPathComponent("inventory.json")
            try JSONSerialization.data(withJSONObject: document).write(to: url)
            return url.path
        }
        /// A by-id directory with `links` (name → destination).
        func byId(_ links: [String: String], name: String = "by-id") throws -> String {
            let dir = directory.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            for (link, destination) in links {
                try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent(link).path, withDestinationPath: destination)
            }
            return dir.path
        }
        func reports(_ name: String) -> String { path("reports-\(name)") }
    }

    static func virtio20(_ id: String) -> String { "virtio-" + String(id.prefix(20)) }
    static func virtio20Plain(_ id: String) -> String { "virtio-" + String(id.replacingOccurrences(of: "-", with: "").prefix(20)) }

    // MARK: - The seed incident

    func testTheAppliancesBrokenMappingIsBlockedBeforeAnyVolumeIsOpened() throws {
        let scenario = try Scenario(script: "make-seed.sh")
        let server = try scenario.serve("vol2000", image: "vol2000-contaminated.img", logRequests: true)
        let inventory = try scenario.inventory(vm: "pgtest1", disks: [(2000, "Hard disk 1", 123_480_309_760), (2001, "Hard disk 2", 10_737_418_240)])
        let uri = scenario.uri("vol2000")
        // Also a second spelling of the same socket: still one target.
        let respelled = uri.replacingOccurrences(of: "socket=", with: "socket=/.")
        for (name, mapping) in [("same", ["--nbd-targets", "2000:\(uri),2001:\(uri)"]),
                                ("respelled", ["--target", "2000=\(uri)", "--target", "2001=\(respelled)"])] {
            let run = try PreflightResult(["--inventory", inventory] + mapping, reportDirectory: scenario.reportDirectory(name))
            XCTAssertEqual(run.status, 1, run.output)
            XCTAssertEqual(run.verdict, "blocked")
            XCTAssertEqual(run.report["volumesOpened"] as? Bool, false)
            let duplicate = try XCTUnwrap(run.vmFinding("duplicate-target"), run.output)
            XCTAssertEqual(duplicate["severity"] as? String, "critical")
            XCTAssertEqual(Set((duplicate["evidence"] as? [String: Any])?["keys"] as? [String] ?? []), ["2000", "2001"])
            for key in ["2000", "2001"] {
                XCTAssertEqual(run.disk(key)?["state"] as? String, "unreadable")
                XCTAssertEqual(run.disk(key)?["verdict"] as? String, "blocked")
                XCTAssertTrue(run.disk(key)?["actualBytes"] is NSNull)
            }
            XCTAssertTrue(run.stdout.contains("BLOCKED"), run.stdout)
            let junit = try String(contentsOfFile: scenario.reportDirectory(name) + "/junit.xml", encoding: .utf8)
            XCTAssertEqual(junit.components(separatedBy: "<testcase ").count - 1, 2, junit)
            XCTAssertEqual(junit.components(separatedBy: "<failure message=\"duplicate-target: ").count - 1, 2, junit)
        }
        // Not one request — not even a handshake's read — reached the server.
        XCTAssertEqual(try server.requestCounts(), [:])
        // Control: mapped once, preflight does read it (and only reads).
        try scenario.serve("vol2001", image: "vol2001.img")
        let control = try PreflightResult(["--inventory", inventory, "--nbd-targets", "2000:\(uri),2001:\(scenario.uri("vol2001"))"],
                                          reportDirectory: scenario.reportDirectory("control"))
        XCTAssertEqual(control.status, 0, control.output)
        let counts = try server.requestCounts()
        XCTAssertGreaterThan(counts["Read"] ?? 0, 0, "\(counts)")
        XCTAssertEqual(Set(counts.keys).subtracting(["Read"]), [], "only reads: \(counts)")
    }

    func testTheSeedIncidentIsFoundThroughVolumeIDsInBothVirtioForms() throws {
        let scenario = try Scenario(script: "make-seed.sh")
        let inventory = try scenario.inventory(vm: "pgtest1", disks: [(2000, "Hard disk 1", 123_480_309_760), (2001, "Hard disk 2", 10_737_418_240)])
        let workspace = try Workspace()
        // OpenStack's form (first 20 characters) for 2000, CloudStack's (without hyphens) for 2001.
        let byId = try workspace.byId([
            Self.virtio20(Self.id2000): scenario.image("vol2000-contaminated.img"),
            Self.virtio20(Self.id2000) + "-part1": scenario.image("vol2001.img"),  // a partition link: never used
            Self.virtio20Plain(Self.id2001): scenario.image("vol2001.img"),
        ])
        let volumes = ["--volume", "2000=\(Self.id2000)", "--volume", "2001=\(Self.id2001)", "--by-id-dir", byId]
        let run = try VerifyResult(["--inventory", inventory] + volumes, reportDirectory: workspace.reports("verify"))
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        XCTAssertTrue(run.codes(of: "2000").contains("label-sized-for-other-disk"), "\(run.codes(of: "2000"))")
        XCTAssertEqual(run.contaminationPairs, [["2000", "2001"]])
        // The report records the ID, the link used and the resolved path.
        let resolved = run.vmFindings.filter { $0["code"] as? String == "volume-resolved" }
        XCTAssertEqual(resolved.count, 2)
        let first = try XCTUnwrap(resolved.first { ($0["evidence"] as? [String: Any])?["key"] as? String == "2000" }?["evidence"] as? [String: Any])
        XCTAssertEqual(first["volumeId"] as? String, Self.id2000)
        XCTAssertEqual(first["link"] as? String, Self.virtio20(Self.id2000))
        XCTAssertEqual(first["path"] as? String, scenario.image("vol2000-contaminated.img"))
        let second = try XCTUnwrap(resolved.first { ($0["evidence"] as? [String: Any])?["key"] as? String == "2001" }?["evidence"] as? [String: Any])
        XCTAssertEqual(second["link"] as? String, Self.virtio20Plain(Self.id2001))
        XCTAssertEqual(run.disk("2000")?["target"] as? String, scenario.image("vol2000-contaminated.img"))

        // Mixed freely with --target; preflight sees what the contaminated volume carries.
        let pre = try PreflightResult(["--inventory", inventory, "--volume", "2000=\(Self.id2000)", "--by-id-dir", byId,
                                       "--target", "2001=\(scenario.image("vol2001.img"))"], reportDirectory: workspace.reports("pre"))
        XCTAssertEqual(pre.status, 0, pre.output)
        XCTAssertEqual(pre.disk("2000")?["volumeId"] as? String, Self.id2000)
        XCTAssertEqual(pre.disk("2000")?["link"] as? String, Self.virtio20(Self.id2000))
        let notBlank = try XCTUnwrap(pre.finding("target-not-blank", of: "2000"), pre.output)
        let evidence = try XCTUnwrap(notBlank["evidence"] as? [String: Any])
        XCTAssertEqual(evidence["impliedDiskBytes"] as? UInt64, 10_737_418_240)
        XCTAssertEqual(evidence["matchesDisks"] as? [String], ["2001"])
        XCTAssertEqual((evidence["diskId"] as? String)?.uppercased(), "2001BBBB-0000-4000-8000-000000002001")
    }

    // MARK: - Sizes and what the targets hold

    func testAVolumeRoundedDownBlocksEvenByOneByte() throws {
        let workspace = try Workspace()
        let diskBytes = 115 * Self.gib + Self.gib / 2
        let inventory = try workspace.inventory([(2000, "Hard disk 1", diskBytes), (2001, "Hard disk 2", 10 * Self.gib + 1)])
        let v0 = try workspace.serve(try workspace.blank("vol2000.img", bytes: 115 * Self.gib))
        let v1 = try workspace.serve(try workspace.blank("vol2001.img", bytes: 10 * Self.gib))
        let run = try PreflightResult(["--inventory", inventory, "--nbd-targets", "2000:\(v0.uri()),2001:\(v1.uri())"],
                                      reportDirectory: workspace.reports("rounded"))
        XCTAssertEqual(run.status, 1, run.output)
        XCTAssertEqual(run.verdict, "blocked")
        let short = try XCTUnwrap(run.finding("target-smaller-than-source", of: "2000"), run.output)
        XCTAssertEqual(short["severity"] as? String, "critical")
        let message = try XCTUnwrap(short["message"] as? String)
        XCTAssertTrue(message.hasPrefix("115 GiB volume for a 115.5 GiB disk: rounded down"), message)
        XCTAssertEqual((short["evidence"] as? [String: Any])?["missingBytes"] as? UInt64, Self.gib / 2)
        let oneByte = try XCTUnwrap(run.finding("target-smaller-than-source", of: "2001"), run.output)
        XCTAssertEqual((oneByte["evidence"] as? [String: Any])?["missingBytes"] as? UInt64, 1)
        for key in ["2000", "2001"] {
            XCTAssertEqual(run.disk(key)?["state"] as? String, "blank")
            XCTAssertEqual(run.disk(key)?["verdict"] as? String, "blocked")
        }
        // The other outputs exist and say the same.
        let junit = try String(contentsOfFile: workspace.reports("rounded") + "/junit.xml", encoding: .utf8)
        XCTAssertEqual(junit.components(separatedBy: "<testcase ").count - 1, 2, junit)  // one per disk
        XCTAssertEqual(junit.components(separatedBy: "<failure ").count - 1, 2, junit)
        let markdown = try String(contentsOfFile: workspace.reports("rounded") + "/report.md", encoding: .utf8)
        XCTAssertTrue(markdown.contains("target-smaller-than-source"), markdown)
    }

    func testALeftoverLabelOnABlankTargetIsReportedAndVerifyKnowsItWasThereBefore() throws {
        let workspace = try Workspace()
        let inventory = try workspace.inventory([(2000, "Hard disk 1", 115 * Self.gib), (2001, "Hard disk 2", 10 * Self.gib)])
        // A 116 GiB volume whose only content is a 10 GiB GPT left over from an earlier use.
        let leftover = try workspace.gpt("vol2000.img", bytes: 10 * Self.gib, guid: "2001BBBB-0000-4000-8000-000000002001", grownTo: 116 * Self.gib)
        let v0 = try workspace.serve(leftover)
        let v1 = try workspace.serve(try workspace.blank("vol2001.img", bytes: 10 * Self.gib))
        let mapping = ["--nbd-targets", "2000:\(v0.uri()),2001:\(v1.uri())"]
        let run = try PreflightResult(["--inventory", inventory] + mapping + ["--format", "json"], reportDirectory: workspace.reports("pre"))
        XCTAssertEqual(run.status, 0, run.output)
        XCTAssertEqual(run.verdict, "ready")
        // --format json prints preflight.json on stdout.
        let printed = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(printed["verdict"] as? String, "ready")
        XCTAssertEqual(run.disk("2000")?["state"] as? String, "labelled")
        XCTAssertEqual(run.disk("2001")?["state"] as? String, "blank")
        XCTAssertEqual(run.disk("2000")?["actualBytes"] as? UInt64, 116 * Self.gib)
        let notBlank = try XCTUnwrap(run.finding("target-not-blank", of: "2000"), run.output)
        XCTAssertEqual(notBlank["severity"] as? String, "warning")
        let message = try XCTUnwrap(notBlank["message"] as? String)
        XCTAssertTrue(message.contains("GPT partition table written for a 10 GiB disk"), message)
        XCTAssertTrue(message.contains("disk 2001"), message)
        let evidence = try XCTUnwrap(notBlank["evidence"] as? [String: Any])
        XCTAssertEqual(evidence["labelType"] as? String, "gpt")
        XCTAssertEqual(evidence["matchesDisks"] as? [String], ["2001"])
        XCTAssertNotNil(run.finding("target-larger-than-source", of: "2000"))
        XCTAssertNil(run.finding("target-not-blank", of: "2001"))

        // Nothing was copied: verify finds the 10 GiB label, and says it was there before.
        let preflightFile = workspace.reports("pre") + "/preflight.json"
        let verify = try VerifyResult(["--inventory", inventory] + mapping + ["--preflight", preflightFile],
                                      reportDirectory: workspace.reports("verify"))
        XCTAssertEqual(verify.status, 1, verify.stdout + verify.stderr)
        let label = try XCTUnwrap(verify.finding("label-sized-for-other-disk", of: "2000"), "\(verify.codes(of: "2000"))")
        XCTAssertEqual((label["evidence"] as? [String: Any])?["seenByPreflight"] as? Bool, true)
        XCTAssertTrue((label["message"] as? String ?? "").contains("already on the target before the copy"), "\(label)")
        // Without --preflight, no such claim.
        let plain = try VerifyResult(["--inventory", inventory] + mapping, reportDirectory: workspace.reports("verify-plain"))
        XCTAssertNil((plain.finding("label-sized-for-other-disk", of: "2000")?["evidence"] as? [String: Any])?["seenByPreflight"])

        // After a "copy" rewrote the head, the same finding is not attributed to preflight.
        let rewritten = try workspace.gpt("new.img", bytes: 10 * Self.gib, guid: "3000CCCC-0000-4000-8000-000000003000")
        try Tools.sh("dd if='\(rewritten)' of='\(leftover)' bs=1M count=1 conv=notrunc status=none")
        let after = try VerifyResult(["--inventory", inventory] + mapping + ["--preflight", preflightFile],
                                     reportDirectory: workspace.reports("verify-after"))
        let rewrittenLabel = try XCTUnwrap(after.finding("label-sized-for-other-disk", of: "2000"), "\(after.codes(of: "2000"))")
        XCTAssertEqual((rewrittenLabel["evidence"] as? [String: Any])?["seenByPreflight"] as? Bool, false)
        XCTAssertFalse((rewrittenLabel["message"] as? String ?? "").contains("already on the target"), "\(rewrittenLabel)")
    }

    /// Only a backup GPT at the end (the start was wiped): still a leftover, named as such,
    /// and a ready disk's warning still reaches CI (JUnit system-out).
    func testABackupLabelLeftAtTheEndIsReported() throws {
        let workspace = try Workspace()
        let inventory = try workspace.inventory([(2000, "Hard disk 1", 12 * Self.gib)])
        let image = try workspace.gpt("vol.img", bytes: 12 * Self.gib, guid: "5000EEEE-0000-4000-8000-000000005000")
        try Tools.sh("dd if=/dev/zero of='\(image)' bs=1M count=1 conv=notrunc status=none")
        let run = try PreflightResult(["--inventory", inventory, "--target", "2000=\(image)"], reportDirectory: workspace.reports("end"))
        XCTAssertEqual(run.status, 0, run.output)
        XCTAssertEqual(run.disk("2000")?["state"] as? String, "labelled")
        XCTAssertEqual((run.disk("2000")?["head"] as? [String: Any])?["allZero"] as? Bool, true)
        XCTAssertEqual((run.disk("2000")?["tail"] as? [String: Any])?["allZero"] as? Bool, false)
        let message = try XCTUnwrap(run.finding("target-not-blank", of: "2000")?["message"] as? String, run.output)
        XCTAssertTrue(message.contains("a GPT header at its last LBA \(12 * Self.gib / 512 - 1)"), message)
        XCTAssertTrue(message.contains("5000EEEE-0000-4000-8000-000000005000"), message)
        XCTAssertTrue(message.contains("no GPT at its start"), message)
        let junit = try String(contentsOfFile: workspace.reports("end") + "/junit.xml", encoding: .utf8)
        XCTAssertTrue(junit.contains("<system-out>target-not-blank: "), junit)
        XCTAssertFalse(junit.contains("<failure"), junit)
    }

    func testReadOnlyTargetsAreReported() throws {
        let workspace = try Workspace()
        let inventory = try workspace.inventory([(2000, "Hard disk 1", 64 << 20), (2001, "Hard disk 2", 64 << 20)])
        let v0 = try workspace.serve(try workspace.blank("vol2000.img", bytes: 64 << 20), readOnly: true)
        let file = try workspace.blank("vol2001.img", bytes: 64 << 20)
        try Tools.sh("chmod 0444 '\(file)'")
        let run = try PreflightResult(["--inventory", inventory, "--target", "2000=\(v0.uri())", "--target", "2001=\(file)"],
                                      reportDirectory: workspace.reports("ro"))
        XCTAssertEqual(run.status, 0, run.output)
        XCTAssertTrue((run.finding("target-read-only", of: "2000")?["message"] as? String ?? "").contains("NBD"), run.output)
        XCTAssertNotNil(run.finding("target-read-only", of: "2001"), run.output)
        XCTAssertEqual(run.disk("2000")?["readOnly"] as? Bool, true)
        // A writable export is not flagged.
        let v2 = try workspace.serve(try workspace.blank("vol2000b.img", bytes: 64 << 20))
        let rw = try PreflightResult(["--inventory", inventory, "--target", "2000=\(v2.uri())", "--target", "2001=\(v0.uri().replacingOccurrences(of: "socket=", with: "socket=/."))"],
                                     reportDirectory: workspace.reports("rw"))
        XCTAssertNil(rw.finding("target-read-only", of: "2000"), rw.output)
        XCTAssertEqual(rw.disk("2000")?["readOnly"] as? Bool, false)
    }

    func testAnUnreachableTargetMeansCouldNotCheck() throws {
        let workspace = try Workspace()
        let inventory = try workspace.inventory([(2000, "Hard disk 1", 64 << 20)])
        let dead = "nbd+unix:///?socket=\(workspace.path("nobody.sock"))"
        let run = try PreflightResult(["--inventory", inventory, "--target", "2000=\(dead)", "--connect-retries", "0"],
                                      reportDirectory: workspace.reports("dead"))
        XCTAssertEqual(run.status, 3, run.output)
        XCTAssertEqual(run.verdict, "inconclusive")
        XCTAssertNotNil(run.finding("target-unreachable", of: "2000"))
    }

    // MARK: - Volume IDs: not found, one device twice, bad input

    func testAMissingVolumeIsVolumeNotFound() throws {
        let workspace = try Workspace()
        let inventory = try workspace.inventory([(2000, "Hard disk 1", 64 << 20), (2001, "Hard disk 2", 64 << 20)])
        let image = try workspace.gpt("vol2000.img", bytes: 64 << 20, guid: "2000AAAA-0000-4000-8000-000000002000")
        let byId = try workspace.byId(["scsi-0QEMU_QEMU_HARDDISK_\(Self.id2000)": image,
                                       "virtio-\(Self.id2001.prefix(20))": workspace.path("gone.img")])  // dangling
        let volumes = ["--volume", "2000=\(Self.id2000)", "--volume", "2001=\(Self.id2001)", "--by-id-dir", byId]
        let pre = try PreflightResult(["--inventory", inventory] + volumes, reportDirectory: workspace.reports("pre"))
        XCTAssertEqual(pre.status, 1, pre.output)
        let missing = try XCTUnwrap(pre.vmFinding("volume-not-found"), pre.output)
        XCTAssertEqual(missing["severity"] as? String, "error")
        XCTAssertTrue((missing["message"] as? String ?? "").contains("dangling"), "\(missing)")
        XCTAssertNil(pre.vmFinding("unmapped-disk"))
        XCTAssertEqual(pre.report["volumesOpened"] as? Bool, false)
        XCTAssertEqual(pre.disk("2000")?["link"] as? String, "scsi-0QEMU_QEMU_HARDDISK_\(Self.id2000)")

        let verify = try VerifyResult(["--inventory", inventory] + volumes, reportDirectory: workspace.reports("verify"))
        XCTAssertEqual(verify.status, 3, verify.stdout + verify.stderr)
        XCTAssertEqual(verify.verdict, "inconclusive")
        XCTAssertEqual(verify.disk("2001")?["verdict"] as? String, "inconclusive")
        XCTAssertEqual(verify.disk("2000")?["verdict"] as? String, "pass")
        XCTAssertTrue(verify.allCodes.contains("volume-not-found"))
        XCTAssertFalse(verify.allCodes.contains("unmapped-disk"))
    }

    func testTwoVolumeIDsResolvingToOneDeviceAreADuplicateTarget() throws {
        let workspace = try Workspace()
        let inventory = try workspace.inventory([(2000, "Hard disk 1", 64 << 20), (2001, "Hard disk 2", 64 << 20)])
        let image = try workspace.blank("vol.img", bytes: 64 << 20)
        try FileManager.default.createSymbolicLink(atPath: workspace.path("alias.img"), withDestinationPath: image)
        let byId = try workspace.byId(["virtio-\(Self.id2000.prefix(20))": image, "wwn-0x" + Self.id2001.replacingOccurrences(of: "-", with: ""): workspace.path("alias.img")])
        let run = try PreflightResult(["--inventory", inventory, "--volume", "2000=\(Self.id2000)", "--volume", "2001=\(Self.id2001)", "--by-id-dir", byId],
                                      reportDirectory: workspace.reports("dup"))
        XCTAssertEqual(run.status, 1, run.output)
        XCTAssertNotNil(run.vmFinding("duplicate-target"), run.output)
        XCTAssertEqual(run.report["volumesOpened"] as? Bool, false)
        // --volume and --target naming the same file: also one target.
        let mixed = try PreflightResult(["--inventory", inventory, "--volume", "2000=\(Self.id2000)", "--by-id-dir", byId,
                                         "--target", "2001=\(workspace.path("alias.img"))"], reportDirectory: workspace.reports("mixed"))
        XCTAssertEqual(mixed.status, 1, mixed.output)
        XCTAssertNotNil(mixed.vmFinding("duplicate-target"), mixed.output)
        // A hard link is the same file under another name: one target (by inode).
        try FileManager.default.linkItem(atPath: image, toPath: workspace.path("hard.img"))
        let hard = try PreflightResult(["--inventory", inventory, "--target", "2000=\(image)", "--target", "2001=\(workspace.path("hard.img"))"],
                                       reportDirectory: workspace.reports("hard"))
        XCTAssertEqual(hard.status, 1, hard.output)
        XCTAssertNotNil(hard.vmFinding("duplicate-target"), hard.output)
        XCTAssertEqual(hard.report["volumesOpened"] as? Bool, false)
    }

    func testBadVolumeInputIsOneLineNeverACrash() throws {
        let workspace = try Workspace()
        let inventory = try workspace.inventory([(2000, "Hard disk 1", 64 << 20)])
        let image = try workspace.blank("a.img", bytes: 64 << 20)
        let other = try workspace.blank("b.img", bytes: 64 << 20)
        let byId = try workspace.byId(["virtio-\(Self.id2000.prefix(20))": image,
                                       "scsi-0QEMU_QEMU_HARDDISK_\(Self.id2000)": other,
                                       "virtio-loop-a": workspace.path("by-id/virtio-loop-b"),
                                       "virtio-loop-b": workspace.path("by-id/virtio-loop-a")])
        func run(_ arguments: [String]) throws -> Tools.Result {
            try Repository.runTool(["preflight", "--inventory", inventory, "--report-dir", workspace.reports(UUID().uuidString)] + arguments)
        }
        for bad in ["2000=", "2000=../../etc/passwd", "2000=a b", "2000=-rf", "=\(Self.id2000)", "2000", "2000=vol/1"] {
            let result = try run(["--volume", bad, "--by-id-dir", byId])
            XCTAssertEqual(result.status, 2, "\(bad): \(result.stderr)")
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, "\(bad): \(result.stderr)")
            XCTAssertTrue(result.stderr.hasPrefix("replica-audit: "), "\(bad): \(result.stderr)")
        }
        let noDir = try run(["--volume", "2000=\(Self.id2000)", "--by-id-dir", workspace.path("no-such-dir")])
        XCTAssertEqual(noDir.status, 2, noDir.stderr)
        XCTAssertTrue(noDir.stderr.contains("no-such-dir") && noDir.stderr.contains("No such file"), noDir.stderr)
        XCTAssertEqual(noDir.stderr.split(separator: "\n").count, 1, noDir.stderr)
        // One ID whose links reach two different devices: ambiguous, an input error listing both.
        let ambiguous = try run(["--volume", "2000=\(Self.id2000)", "--by-id-dir", byId])
        XCTAssertEqual(ambiguous.status, 2, ambiguous.stderr)
        XCTAssertTrue(ambiguous.stderr.contains("volume-ambiguous") && ambiguous.stderr.contains(image) && ambiguous.stderr.contains(other), ambiguous.stderr)
        // A link loop: not found, and the loop is named.
        let loop = try PreflightResult(["--inventory", inventory, "--volume", "2000=loop-a", "--by-id-dir", byId], reportDirectory: workspace.reports("loop"))
        XCTAssertEqual(loop.status, 1, loop.output)
        XCTAssertTrue((loop.vmFinding("volume-not-found")?["message"] as? String ?? "").contains("a link loop"), loop.output)
        // The same key as --target and --volume.
        let twice = try run(["--volume", "2000=\(Self.id2000)", "--by-id-dir", byId, "--target", "2000=\(image)"])
        XCTAssertEqual(twice.status, 2, twice.stderr)
        XCTAssertTrue(twice.stderr.contains("mapped twice"), twice.stderr)
    }

    /// `capture` names its sources by volume ID too; one that is not attached writes nothing.
    func testCaptureTakesVolumeIDs() throws {
        let workspace = try Workspace()
        let inventory = try workspace.inventory([(2000, "Hard disk 1", 64 << 20), (2001, "Hard disk 2", 64 << 20)])
        let a = try workspace.gpt("a.img", bytes: 64 << 20, guid: "2000AAAA-0000-4000-8000-000000002000")
        let b = try workspace.gpt("b.img", bytes: 64 << 20, guid: "2001BBBB-0000-4000-8000-000000002001")
        let byId = try workspace.byId(["virtio-\(Self.id2000.prefix(20))": a])
        let baseline = workspace.path("baseline.json")
        let ok = try Repository.runTool(["capture", "--inventory", inventory, "--volume", "2000=\(Self.id2000)", "--by-id-dir", byId,
                                         "--source", "2001=\(b)", "--content", "none", "--output", baseline])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        let written = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: baseline))) as? [String: Any])
        let disks = try XCTUnwrap(written["disks"] as? [[String: Any]])
        XCTAssertEqual(disks.first { $0["key"] as? String == "2000" }?["source"] as? String, a)
        XCTAssertTrue(ok.stderr.contains("is volume \(Self.id2000)"), ok.stderr)
        let missing = workspace.path("missing.json")
        let gone = try Repository.runTool(["capture", "--inventory", inventory, "--volume", "2000=\(Self.id2001)", "--by-id-dir", byId,
                                           "--source", "2001=\(b)", "--output", missing])
        XCTAssertEqual(gone.status, 3, gone.stderr)
        XCTAssertTrue(gone.stderr.contains("volume-not-found"), gone.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: missing))
    }

    // MARK: - devices, and real block devices

    func testDevicesListsWholeDisksWithLinksLabelsAndSignatures() throws {
        let workspace = try Workspace()
        let disk = try workspace.gpt("disk.img", bytes: 10 * Self.gib, guid: "2001BBBB-0000-4000-8000-000000002001", grownTo: 12 * Self.gib)
        let blank = try workspace.blank("blank.img", bytes: 1 << 30)
        let byId = try workspace.byId(["virtio-aaaa": disk, "wwn-0xaaaa": disk, "virtio-aaaa-part1": blank,
                                       "virtio-bbbb": blank, "virtio-dangling": workspace.path("nothing.img")])
        let json = try Repository.runTool(["devices", "--by-id-dir", byId, "--format", "json"])
        XCTAssertEqual(json.status, 0, json.stderr)
        let survey = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let devices = try XCTUnwrap(survey["devices"] as? [[String: Any]])
        XCTAssertEqual(devices.count, 2, "\(devices)")
        let first = try XCTUnwrap(devices.first { $0["path"] as? String == disk })
        XCTAssertEqual(first["links"] as? [String], ["virtio-aaaa", "wwn-0xaaaa"])
        XCTAssertEqual(first["labelType"] as? String, "gpt")
        XCTAssertEqual(first["sizeBytes"] as? UInt64, 12 * Self.gib)
        XCTAssertEqual(first["impliedDiskBytes"] as? UInt64, 10 * Self.gib)
        XCTAssertEqual(first["partitionCount"] as? Int, 2)
        let second = try XCTUnwrap(devices.first { $0["path"] as? String == blank })
        XCTAssertEqual(second["links"] as? [String], ["virtio-bbbb"])
        XCTAssertTrue(second["labelType"] is NSNull)
        XCTAssertEqual((survey["problems"] as? [String])?.count, 1)
        let text = try Repository.runTool(["devices", "--by-id-dir", byId])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.contains("gpt written for 10 GiB (not this device's size)"), text.stdout)
        let missing = try Repository.runTool(["devices", "--by-id-dir", workspace.path("nope")])
        XCTAssertEqual(missing.status, 2)
    }

    /// A device this machine is using — mounted — and the image file behind it (attached as a
    /// loop device) both block: copying onto them would corrupt what uses them.
    func testATargetInUseOnThisMachineBlocks() throws {
        let workspace = try Workspace()
        let image = try workspace.blank("fs.img", bytes: 64 << 20)
        try Tools.run("mkfs.ext4", ["-q", "-F", image])
        let device = try Tools.run("losetup", ["-f", "--show", "-r", image]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        defer { _ = try? Tools.run("losetup", ["-d", device], check: false) }
        let mountPoint = workspace.path("mnt")
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        try Tools.run("mount", ["-o", "ro", device, mountPoint])
        defer { _ = try? Tools.run("umount", [mountPoint], check: false) }
        let inventory = try workspace.inventory([(2000, "Hard disk 1", 64 << 20), (2001, "Hard disk 2", 64 << 20)])
        let run = try PreflightResult(["--inventory", inventory, "--target", "2000=\(device)", "--target", "2001=\(image)"],
                                      reportDirectory: workspace.reports("in-use"))
        XCTAssertEqual(run.status, 1, run.output)
        let mounted = try XCTUnwrap(run.finding("target-in-use", of: "2000")?["message"] as? String, run.output)
        XCTAssertTrue(mounted.contains("is mounted at \(mountPoint)"), mounted)
        let attached = try XCTUnwrap(run.finding("target-in-use", of: "2001")?["message"] as? String, run.output)
        XCTAssertTrue(attached.contains("attached as \(device)"), attached)
        // Unmounted and detached: the same targets no longer block.
        try Tools.run("umount", [mountPoint])
        try Tools.run("losetup", ["-d", device])
        let free = try PreflightResult(["--inventory", inventory, "--target", "2000=\(image)",
                                        "--target", "2001=\(try workspace.blank("other.img", bytes: 64 << 20))"],
                                       reportDirectory: workspace.reports("free"))
        XCTAssertEqual(free.status, 0, free.output)
        XCTAssertEqual(free.disk("2000")?["state"] as? String, "labelled")
        XCTAssertNil(free.finding("target-in-use", of: "2000"), free.output)
    }

    /// Loop devices stand in for attached volumes: a by-id link to /dev/loopN, a second node of
    /// the same device (same st_rdev, other path), and a read-only loop device.
    func testRealBlockDevicesThroughLoopDevices() throws {
        let workspace = try Workspace()
        let image = try workspace.gpt("loop.img", bytes: 64 << 20, guid: "4000DDDD-0000-4000-8000-000000004000")
        let attach = try Tools.run("losetup", ["-f", "--show", "-r", image])
        let device = attach.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        defer { _ = try? Tools.run("losetup", ["-d", device], check: false) }
        let inventory = try workspace.inventory([(2000, "Hard disk 1", 64 << 20), (2001, "Hard disk 2", 64 << 20)])
        let byId = try workspace.byId(["virtio-\(Self.id2000.prefix(20))": device])
        let run = try PreflightResult(["--inventory", inventory, "--volume", "2000=\(Self.id2000)", "--by-id-dir", byId,
                                       "--target", "2001=\(try workspace.blank("b.img", bytes: 64 << 20))"],
                                      reportDirectory: workspace.reports("loop"))
        XCTAssertEqual(run.status, 0, run.output)
        XCTAssertEqual(run.disk("2000")?["resolvedPath"] as? String, device)
        XCTAssertEqual(run.disk("2000")?["state"] as? String, "labelled")
        XCTAssertTrue((run.finding("target-read-only", of: "2000")?["message"] as? String ?? "").contains("BLKROGET"), run.output)
        // A second node of the same device is the same target (st_rdev).
        let stat = try Tools.run("stat", ["-c", "%t %T", device]).stdout.split(separator: " ").map { UInt32($0.trimmingCharacters(in: .whitespacesAndNewlines), radix: 16)! }
        try Tools.run("mknod", [workspace.path("alias-node"), "b", "\(stat[0])", "\(stat[1])"])
        let dup = try PreflightResult(["--inventory", inventory, "--volume", "2000=\(Self.id2000)", "--by-id-dir", byId,
                                       "--target", "2001=\(workspace.path("alias-node"))"], reportDirectory: workspace.reports("dup"))
        XCTAssertEqual(dup.status, 1, dup.output)
        XCTAssertNotNil(dup.vmFinding("duplicate-target"), dup.output)
        // devices sees the loop device through the link.
        let devices = try Repository.runTool(["devices", "--by-id-dir", byId])
        XCTAssertEqual(devices.status, 0, devices.stderr)
        XCTAssertTrue(devices.stdout.contains(device) && devices.stdout.contains("gpt"), devices.stdout)
    }
}
