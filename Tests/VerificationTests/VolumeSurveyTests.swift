import BlockAccess
import DiskProbe
import Foundation
import TestSupport
import Verification
import XCTest

/// The concurrent prober, on real image files made with sgdisk.
final class VolumeSurveyTests: XCTestCase {
    func testEveryTargetGetsAnOutcomeWhateverTheBound() throws {
        let dir = try TemporaryDirectory.make(prefix: "survey")
        defer { try? FileManager.default.removeItem(at: dir) }
        var items: [VolumeSurvey.Item] = []
        for n in 0..<5 {
            let path = dir.appendingPathComponent("d\(n).img").path
            try Tools.sh("truncate -s \(n + 1)G '\(path)' && sgdisk -n 1:2048:0 '\(path)' >/dev/null")
            items.append(VolumeSurvey.Item(key: "d\(n)", target: .file(path: path)))
        }
        items.append(VolumeSurvey.Item(key: "missing", target: .file(path: dir.appendingPathComponent("none.img").path)))
        for jobs in [1, 2, 8] {
            let outcomes = VolumeSurvey.probe(items, jobs: jobs, options: VolumeOptions())
            XCTAssertEqual(outcomes.count, items.count)
            for n in 0..<5 {
                let probe = try XCTUnwrap(outcomes["d\(n)"]?.probe, "d\(n) with --jobs \(jobs)")
                XCTAssertEqual(probe.sizeBytes, UInt64(n + 1) << 30)
                XCTAssertEqual(probe.partitionTable?.impliedDiskBytes, UInt64(n + 1) << 30)
            }
            guard case .unreachable(let message) = outcomes["missing"] else {
                return XCTFail("a missing file must be unreachable, got \(String(describing: outcomes["missing"]))")
            }
            XCTAssertTrue(message.contains("none.img"), message)
        }
    }
}
