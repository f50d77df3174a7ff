import Foundation
import SourceInventory
import TestSupport
import Verification
import XCTest

final class BaselineTests: XCTestCase {
    func testABaselineRoundTripsThroughItsFile() throws {
        let dir = try TemporaryDirectory.make(prefix: "baseline")
        defer { try? FileManager.default.removeItem(at: dir) }
        let baseline = Baseline(tool: ToolInfo(version: "test"), capturedAt: "2026-01-01T00:00:00Z", vm: ProbeValues.inventory.vm,
                                disks: [BaselineDisk(key: "2001", label: "Hard disk 2", capacityBytes: 10 << 30, source: "src",
                                                     probe: ProbeValues.source2001())])
        let path = dir.appendingPathComponent("b.json").path
        try baseline.encoded().write(to: URL(fileURLWithPath: path))
        let loaded = try Baseline.load(path: path)
        XCTAssertEqual(loaded, baseline)
        XCTAssertEqual(loaded.probes["2001"], ProbeValues.source2001())
    }

    func testOtherFilesAreRefusedWithTheReason() throws {
        let dir = try TemporaryDirectory.make(prefix: "baseline")
        defer { try? FileManager.default.removeItem(at: dir) }
        let cases: [(String, String)] = [
            ("not json", "is not JSON"),
            (#"{"kind": "something-else", "schemaVersion": 1}"#, "is not a replica-audit baseline"),
            (#"{"kind": "replica-audit-baseline", "schemaVersion": 99}"#, "has schemaVersion 99"),
            (#"{"kind": "replica-audit-baseline", "schemaVersion": 1, "disks": 3}"#, "is malformed"),
        ]
        for (index, (text, reason)) in cases.enumerated() {
            let path = dir.appendingPathComponent("\(index).json").path
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            XCTAssertThrowsError(try Baseline.load(path: path)) { error in
                XCTAssertTrue("\(error)".contains(reason), "\(error)")
                XCTAssertTrue("\(error)".contains(path), "\(error)")
            }
        }
        XCTAssertThrowsError(try Baseline.load(path: dir.appendingPathComponent("missing.json").path))
    }
}
