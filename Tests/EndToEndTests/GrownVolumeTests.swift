import Foundation
import TestSupport
import XCTest

/// Issue 10: volumes whose label was extended after the copy (`sgdisk -e`, `growpart`),
/// one of them to exactly another disk's capacity, a disk grown in vSphere whose label was
/// never moved — each next to its contaminated twin (Fixtures/make-verify-grown.sh).
final class GrownVolumeTests: XCTestCase {
    nonisolated(unsafe) static var shared: Scenario?
    static let images = ["disk2000", "disk2001", "disk2002", "vol2000-sgdisk-e", "vol2000-growpart", "vol2000-grown-12g",
                         "vol2000-tampered", "vol2000-renamed", "vol2000-contaminated", "vol2000", "vol2001", "vol2002", "vol2002-sgdisk-e", "vol2002-contaminated",
                         "disk2003", "vol2003-growpart", "vol2003-tampered"]

    override class func setUp() {
        super.setUp()
        guard let scenario = try? Scenario(script: "make-verify-grown.sh") else { return }
        for name in images { _ = try? scenario.serve(name, image: "\(name).img") }
        shared = scenario
    }

    override class func tearDown() {
        shared = nil
        super.tearDown()
    }

    func scenario() throws -> Scenario { try XCTUnwrap(Self.shared, "Fixtures/make-verify-grown.sh failed") }

    /// Disks 2000 (10 GiB) and 2001 (20 GiB): the extension cases.
    func inventory2000And2001(_ s: Scenario) throws -> String {
        try s.inventory(vm: "grown1", disks: [(2000, "Hard disk 1", 10 << 30), (2001, "Hard disk 2", 20 << 30)])
    }

    /// Disks 2000 (10 GiB) and 2002 (15 GiB): the vSphere-grown cases.
    func inventory2000And2002(_ s: Scenario) throws -> String {
        try s.inventory(vm: "grown2", disks: [(2000, "Hard disk 1", 10 << 30), (2002, "Hard disk 3", 15 << 30)])
    }

    func run(_ s: Scenario, inventory: String, targets: [String: String], sources: [String]? = nil,
             content: String? = nil, name: String) throws -> VerifyResult {
        var args = ["--inventory", inventory,
                    "--nbd-targets", targets.sorted { $0.key < $1.key }.map { "\($0.key):\(s.uri($0.value))" }.joined(separator: ",")]
        if let sources { args += ["--nbd-sources", sources.map { "\($0):\(s.uri("disk\($0)"))" }.joined(separator: ",")] }
        if let content { args += ["--content", content] }
        return try VerifyResult(args + ["--jobs", "2"], reportDirectory: s.reportDirectory(name))
    }

    func testExtendedLabelsPassWithoutSourcesAndTheTwinFails() throws {
        let s = try scenario()
        let inventory = try inventory2000And2001(s)
        for volume in ["vol2000-sgdisk-e", "vol2000-growpart", "vol2000-grown-12g"] {
            let run = try self.run(s, inventory: inventory, targets: ["2000": volume, "2001": "vol2001"], name: "blind-\(volume)")
            XCTAssertEqual(run.status, 0, "\(volume): " + run.stdout + run.stderr)
            XCTAssertEqual(run.contamination.count, 0, volume)
            XCTAssertFalse(run.codes(of: "2000").contains("label-sized-for-other-disk"), volume)
            let finding = try XCTUnwrap(run.finding("label-extended-to-volume", of: "2000"), volume)
            XCTAssertEqual(finding["severity"] as? String, "info")
            XCTAssertEqual((finding["evidence"] as? [String: Any])?["basis"] as? String, "unique-in-vm")
        }
        let growpart = try XCTUnwrap(try run(s, inventory: inventory, targets: ["2000": "vol2000-growpart", "2001": "vol2001"],
                                             name: "blind-growpart-again").finding("label-extended-to-volume", of: "2000"))
        XCTAssertEqual((growpart["evidence"] as? [String: Any])?["grownPartitions"] as? [Int], [2])

        // The twin: disk 2001 replicated onto disk 2000's 20 GiB volume. Same geometry, 2001's identity.
        let twin = try run(s, inventory: inventory, targets: ["2000": "vol2000-contaminated", "2001": "vol2001"], name: "blind-twin")
        XCTAssertEqual(twin.status, 1, twin.stdout + twin.stderr)
        XCTAssertEqual(twin.contaminationPairs, [["2000", "2001"]])
        XCTAssertEqual(twin.finding("label-sized-for-other-disk", of: "2000")?["severity"] as? String, "critical")
        XCTAssertEqual(twin.disk("2001")?["verdict"] as? String, "pass")
    }

    func testExtendedLabelsPassAgainstTheSourcesWithSampledAndFullContent() throws {
        let s = try scenario()
        let inventory = try inventory2000And2001(s)
        for volume in ["vol2000-sgdisk-e", "vol2000-growpart"] {
            for content in ["sample", "full"] {
                let run = try self.run(s, inventory: inventory, targets: ["2000": volume, "2001": "vol2001"],
                                       sources: ["2000", "2001"], content: content, name: "sources-\(volume)-\(content)")
                XCTAssertEqual(run.status, 0, "\(volume) \(content): " + run.stdout + run.stderr)
                XCTAssertEqual(run.contamination.count, 0)
                for code in ["content-mismatch", "layout-mismatch", "identity-mismatch", "label-sized-for-other-disk"] {
                    XCTAssertFalse(run.codes(of: "2000").contains(code), "\(volume) \(content): \(code)")
                }
                let finding = try XCTUnwrap(run.finding("label-extended-to-volume", of: "2000"))
                XCTAssertEqual((finding["evidence"] as? [String: Any])?["basis"] as? String, "matches-source")
            }
        }
        // The twin against the sources: every identity names disk 2001.
        let twin = try run(s, inventory: inventory, targets: ["2000": "vol2000-contaminated", "2001": "vol2001"],
                           sources: ["2000", "2001"], name: "sources-twin")
        XCTAssertEqual(twin.status, 1)
        XCTAssertEqual(twin.contaminationPairs, [["2000", "2001"]])
        let evidence = Set(twin.contamination.first?["evidence"] as? [String] ?? [])
        XCTAssertTrue(evidence.isSuperset(of: ["implied-size", "disk-guid", "partition-guids"]), "\(evidence)")
        XCTAssertTrue(twin.codes(of: "2000").contains("content-mismatch"))
    }

    func testARealDifferenceInTheEntriesOfAnExtendedLabelStillFails() throws {
        // sgdisk -e, then partition 1's GUID changed: not the source's label, and its entries differ.
        let s = try scenario()
        let run = try self.run(s, inventory: try inventory2000And2001(s), targets: ["2000": "vol2000-tampered", "2001": "vol2001"],
                               sources: ["2000", "2001"], content: "full", name: "tampered")
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        XCTAssertTrue(run.codes(of: "2000").contains("identity-mismatch"))
        XCTAssertTrue(run.codes(of: "2000").contains("content-mismatch"))
        XCTAssertFalse(run.codes(of: "2000").contains("label-extended-to-volume"))
        XCTAssertEqual(run.disk("2001")?["verdict"] as? String, "pass")
    }

    func testAnEntryThatDiffersBeyondTheExtensionIsStillAContentMismatch() throws {
        // Same disk GUID, partition GUIDs and layout as the source, but partition 1's name was changed:
        // the label is this disk's own and extended (info), yet its entries are not the source's bytes.
        let s = try scenario()
        let inventory = try inventory2000And2001(s)
        for content in ["sample", "full"] {
            let run = try self.run(s, inventory: inventory, targets: ["2000": "vol2000-renamed", "2001": "vol2001"],
                                   sources: ["2000", "2001"], content: content, name: "renamed-\(content)")
            XCTAssertEqual(run.status, 1, "\(content): " + run.stdout + run.stderr)
            XCTAssertNotNil(run.finding("label-extended-to-volume", of: "2000"))
            let mismatch = try XCTUnwrap(run.finding("content-mismatch", of: "2000"), content)
            let problems = (mismatch["evidence"] as? [String: Any])?["labelExtensionProblems"] as? [String] ?? []
            XCTAssertEqual(problems, ["partition entry 1 differs from the source's"], content)
            XCTAssertEqual(run.contamination.count, 0)
        }
    }

    func testExtendedLabelsPassAgainstABaselineWhoseSampledHeadBlockIsRebuilt() throws {
        let s = try scenario()
        let inventory = try inventory2000And2001(s)
        let baseline = s.directory.appendingPathComponent("grown-baseline.json").path
        let capture = try Repository.runTool(["capture", "--inventory", inventory, "--source", "2000=\(s.uri("disk2000"))",
                                              "--source", "2001=\(s.uri("disk2001"))", "--output", baseline])
        XCTAssertEqual(capture.status, 0, capture.stdout + capture.stderr)
        func verify(_ volume: String) throws -> VerifyResult {
            try VerifyResult(["--inventory", inventory, "--nbd-targets", "2000:\(s.uri(volume)),2001:\(s.uri("vol2001"))",
                              "--baseline", baseline], reportDirectory: s.reportDirectory("baseline-\(volume)"))
        }
        for volume in ["vol2000-sgdisk-e", "vol2000-growpart"] {
            let run = try verify(volume)
            XCTAssertEqual(run.status, 0, "\(volume): " + run.stdout + run.stderr)
            XCTAssertEqual((run.report["content"] as? [String: Any])?["mode"] as? String, "sample")
            XCTAssertFalse(run.codes(of: "2000").contains("content-mismatch"), volume)
            XCTAssertNotNil(run.finding("label-extended-to-volume", of: "2000"), volume)
        }
        let tampered = try verify("vol2000-tampered")
        XCTAssertEqual(tampered.status, 1, tampered.stdout + tampered.stderr)
        XCTAssertTrue(tampered.codes(of: "2000").contains("content-mismatch"))
        XCTAssertEqual(tampered.contamination.count, 0, "its disk GUID is disk 2000's own: no other disk is named")
        let message = tampered.finding("label-sized-for-other-disk", of: "2000")?["message"] as? String ?? ""
        XCTAssertTrue(message.contains("is this disk's source's"), message)
        XCTAssertFalse(message.contains("carries disk 2001's partition table"), message)
    }

    func testADOSLabelGrownByGrowpartPassesAndATamperedOneFails() throws {
        let s = try scenario()
        let inventory = try s.inventory(vm: "grown3", disks: [(2003, "Hard disk 4", 4 << 30)])
        func verify(_ volume: String, _ extra: [String], _ name: String) throws -> VerifyResult {
            try VerifyResult(["--inventory", inventory, "--target", "2003=\(s.uri(volume))"] + extra,
                             reportDirectory: s.reportDirectory(name))
        }
        let baseline = s.directory.appendingPathComponent("dos-baseline.json").path
        let capture = try Repository.runTool(["capture", "--inventory", inventory, "--source", "2003=\(s.uri("disk2003"))",
                                              "--output", baseline])
        XCTAssertEqual(capture.status, 0, capture.stdout + capture.stderr)
        let modes: [(String, [String])] = [
            ("blind", []), ("sample", ["--source", "2003=\(s.uri("disk2003"))"]),
            ("full", ["--source", "2003=\(s.uri("disk2003"))", "--content", "full"]), ("baseline", ["--baseline", baseline]),
        ]
        for (name, extra) in modes {
            let run = try verify("vol2003-growpart", extra, "dos-\(name)")
            XCTAssertEqual(run.status, 0, "\(name): " + run.stdout + run.stderr)
            let finding = try XCTUnwrap(run.finding("label-extended-to-volume", of: "2003"), name)
            XCTAssertEqual((finding["evidence"] as? [String: Any])?["grownPartitions"] as? [Int], [2])
            XCTAssertEqual((finding["evidence"] as? [String: Any])?["mbrSignature"] as? String, "0x50035003")
            for code in ["partition-beyond-source", "layout-mismatch", "content-mismatch"] {
                XCTAssertFalse(run.codes(of: "2003").contains(code), "\(name): \(code)")
            }
        }
        // Against its source, a grown label with another disk signature is not this disk's label.
        for (name, extra) in modes.dropFirst() {
            let run = try verify("vol2003-tampered", extra, "dos-tampered-\(name)")
            XCTAssertEqual(run.status, 1, "\(name): " + run.stdout + run.stderr)
            XCTAssertTrue(run.codes(of: "2003").contains("identity-mismatch"), name)
            XCTAssertTrue(run.codes(of: "2003").contains("partition-beyond-source"), name)
            XCTAssertFalse(run.codes(of: "2003").contains("label-extended-to-volume"), name)
        }
    }

    func testADiskGrownInVSphereWhoseLabelWasNotExtended() throws {
        let s = try scenario()
        let inventory = try inventory2000And2002(s)
        // With sources: the source's own label says 10 GiB too — a faithful copy, and no contamination entry.
        let faithful = try run(s, inventory: inventory, targets: ["2000": "vol2000", "2002": "vol2002"],
                               sources: ["2000", "2002"], name: "vsphere-sources")
        XCTAssertEqual(faithful.status, 0, faithful.stdout + faithful.stderr)
        XCTAssertEqual(faithful.contamination.count, 0)
        XCTAssertTrue(faithful.codes(of: "2002").contains("label-matches-source-label"))
        // Grown in vSphere, copied onto a larger volume, then extended: the source's old backup sits at its
        // alternate LBA, not at its end; the field-by-field comparison looks there.
        for content in ["sample", "full"] {
            let extended = try run(s, inventory: inventory, targets: ["2000": "vol2000", "2002": "vol2002-sgdisk-e"],
                                   sources: ["2000", "2002"], content: content, name: "vsphere-extended-\(content)")
            XCTAssertEqual(extended.status, 0, "\(content): " + extended.stdout + extended.stderr)
            XCTAssertNotNil(extended.finding("label-extended-to-volume", of: "2002"), content)
            XCTAssertFalse(extended.codes(of: "2002").contains("content-mismatch"), content)
        }
        // Its twin carries disk 2000's label and data: named, against the sources and without them.
        for sources in [["2000", "2002"], nil] {
            let twin = try run(s, inventory: inventory, targets: ["2000": "vol2000", "2002": "vol2002-contaminated"],
                               sources: sources, name: "vsphere-twin-\(sources == nil ? "blind" : "sources")")
            XCTAssertEqual(twin.status, 1, twin.stdout + twin.stderr)
            XCTAssertEqual(twin.contaminationPairs, [["2002", "2000"]])
            XCTAssertEqual(twin.disk("2000")?["verdict"] as? String, "pass")
        }
        // Without sources the grown disk cannot be told from a foreign label: it fails on its own finding,
        // and disk 2000 — whose volume holds its own, different label — is not named.
        let blind = try run(s, inventory: inventory, targets: ["2000": "vol2000", "2002": "vol2002"], name: "vsphere-blind")
        XCTAssertEqual(blind.status, 1, blind.stdout + blind.stderr)
        XCTAssertEqual(blind.contamination.count, 0)
        let message = blind.finding("label-sized-for-other-disk", of: "2002")?["message"] as? String ?? ""
        XCTAssertTrue(message.contains("grown in vSphere"), message)
        XCTAssertTrue(message.contains("carries its own, different label"), message)
    }
}
