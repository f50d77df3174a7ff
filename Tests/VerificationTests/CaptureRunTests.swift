import BlockAccess
import DiskProbe
import Foundation
import SourceInventory
import TestSupport
import Verification
import XCTest

/// `capture`'s reading, as a library call, on real image files made with sgdisk.
final class CaptureRunTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws { dir = try TemporaryDirectory.make(prefix: "capture-run") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    private func image(_ name: String, size: String) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try Tools.sh("truncate -s \(size) '\(path)' && sgdisk -n 1:2048:0 '\(path)' >/dev/null")
        return path
    }

    private func source(_ key: String, _ path: String) -> TargetAssignment {
        TargetAssignment(key: key, text: path, target: .file(path: path))
    }

    func testEverySourceIsProbedAndSampledWithTheSeed() throws {
        let a = try image("a.img", size: "64M"), b = try image("b.img", size: "32M")
        let inventory = Inventory(vm: VMIdentity(name: "vm", format: "manifest"), disks: [
            SourceDisk(key: "2000", label: "Hard disk 1", capacityBytes: 64 << 20),
            SourceDisk(key: "2001", label: "Hard disk 2", capacityBytes: 32 << 20),
        ])
        let outcome = CaptureRun(inventory: inventory, sources: [source("2001", b), source("2000", a)], sample: true, seed: 7).execute()
        XCTAssertEqual(outcome.probeProblems, [])
        XCTAssertEqual(outcome.sampleProblems, [])
        XCTAssertEqual(outcome.disks.map(\.key), ["2000", "2001"], "inventory order")
        XCTAssertEqual(outcome.disks.map(\.probe.sizeBytes), [64 << 20, 32 << 20])
        XCTAssertEqual(outcome.disks.map(\.probe.partitionTable?.type), ["gpt", "gpt"])
        XCTAssertEqual(outcome.disks.compactMap(\.contentSample).map(\.seed), [7, 7])

        let unsampled = CaptureRun(inventory: inventory, sources: [source("2000", a)], sample: false).execute()
        XCTAssertEqual(unsampled.disks.count, 1, "a disk without a source is not captured")
        XCTAssertNil(unsampled.disks.first?.contentSample)
    }

    func testAnUnreadableSourceIsAProblemAndNothingIsSampled() throws {
        let a = try image("a.img", size: "64M")
        let inventory = Inventory(vm: VMIdentity(name: "vm", format: "manifest"), disks: [
            SourceDisk(key: "2000", label: "Hard disk 1", capacityBytes: 64 << 20),
            SourceDisk(key: "2001", label: "Hard disk 2", capacityBytes: 32 << 20),
        ])
        let missing = dir.appendingPathComponent("gone.img").path
        let outcome = CaptureRun(inventory: inventory, sources: [source("2000", a), source("2001", missing)], sample: true).execute()
        XCTAssertEqual(outcome.probeProblems.count, 1)
        XCTAssertTrue(outcome.probeProblems.first?.hasPrefix("disk 2001: ") == true, "\(outcome.probeProblems)")
        XCTAssertTrue(outcome.probeProblems.first?.contains("gone.img") == true, "\(outcome.probeProblems)")
        XCTAssertEqual(outcome.sampleProblems, [])
        XCTAssertNil(outcome.disks.first?.contentSample, "nothing is sampled when a source cannot be read")
    }
}
