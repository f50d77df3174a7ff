import AuditCore
import DiskProbe
import SourceInventory
@testable import Verification
import XCTest

/// Issue 12, the pure parts of preflight: how a shortfall is worded, and when verify
/// attributes a finding to bytes preflight already saw.
final class PreflightLogicTests: XCTestCase {
    static let gib: UInt64 = 1 << 30

    func message(volume: UInt64, disk: UInt64) -> String? {
        let source = SourceDisk(key: "2000", label: "Hard disk 1", capacityBytes: disk)
        return PreflightRun.sizeFindings(volume, disk: source, name: "disk 2000").first { $0.code == FindingCode.targetSmallerThanSource }?.message
    }

    func testShortfallsAreNamedWithTheirRounding() throws {
        let gib = Self.gib
        XCTAssertTrue(try XCTUnwrap(message(volume: 115 * gib, disk: 115 * gib + gib / 2)).hasPrefix("115 GiB volume for a 115.5 GiB disk: rounded down to whole GiB."))
        XCTAssertTrue(try XCTUnwrap(message(volume: 124_000_000_000, disk: 124_017_180_672)).contains(": rounded down to whole GB."))
        // One byte: the human sizes are equal, so the exact counts are given.
        let oneByte = try XCTUnwrap(message(volume: 10 * gib, disk: 10 * gib + 1))
        XCTAssertTrue(oneByte.hasPrefix("10737418240-byte volume for a 10737418241-byte disk"), oneByte)
        XCTAssertTrue(oneByte.contains("1 bytes (1 B) short"), oneByte)
        // Not a rounding: a volume of another size altogether.
        XCTAssertFalse(try XCTUnwrap(message(volume: 10 * gib, disk: 115 * gib)).contains("rounded"))
        XCTAssertNil(message(volume: 115 * gib, disk: 115 * gib))
        let larger = PreflightRun.sizeFindings(116 * gib, disk: SourceDisk(key: "2000", label: nil, capacityBytes: 115 * gib), name: "disk 2000")
        XCTAssertEqual(larger.map(\.code), [FindingCode.targetLargerThanSource])
        XCTAssertEqual(larger.first?.severity, .info)
    }

    /// A report whose disk 2000 has one label finding resting on a head region.
    func report(headSHA: String) -> VerificationReport {
        var probe = ProbeResult(target: "vol", sizeBytes: 116 * Self.gib, sectorSize: 512)
        probe.regionsRead = [RegionRead(offset: 0, length: 1 << 20, sha256: headSHA, purpose: "disk head"),
                             RegionRead(offset: 10 * Self.gib - 512, length: 512, sha256: "far", purpose: "gpt-backup header")]
        let finding = Finding(code: FindingCode.labelSizedForOtherDisk, severity: .critical, message: "The GPT was written for a 10 GiB disk.")
        let size = Finding(code: FindingCode.targetLargerThanSource, severity: .info, message: "larger")
        let disk = DiskReport(key: "2000", label: nil, target: "vol", expectedBytes: 115 * Self.gib, actualBytes: probe.sizeBytes,
                              verdict: .fail, findings: [finding, size], checks: [], probe: probe, reference: nil)
        return VerificationReport(tool: ToolInfo(version: "t"), startedAt: "s", finishedAt: "f", verdict: .fail,
                                  vm: VMIdentity(name: "pgtest1", format: "manifest"), references: .none,
                                  content: ContentSummary(mode: "none"), disks: [disk], findings: [], contamination: [])
    }

    func preflight(state: PreflightState, headSHA: String, vm: String = "pgtest1") -> PreflightReport {
        var disk = PreflightDisk(key: "2000", label: nil, target: "vol", targetIdentity: nil, expectedBytes: 115 * Self.gib, state: state)
        disk.actualBytes = 116 * Self.gib
        disk.head = PreflightWindow(offset: 0, length: 1 << 20, sha256: "w", allZero: state == .blank)
        disk.tail = PreflightWindow(offset: 116 * Self.gib - (1 << 20), length: 1 << 20, sha256: "w", allZero: true)
        disk.regions = [RegionRead(offset: 0, length: 1 << 20, sha256: headSHA, purpose: "disk head")]
        return PreflightReport(tool: ToolInfo(version: "t"), startedAt: "2026-12-02T10:00:00Z", finishedAt: "x", verdict: .ready,
                               vm: VMIdentity(name: vm, format: "manifest"), disks: [disk], findings: [], volumesOpened: true)
    }

    func testOnlyIdenticalBytesAreAttributedToPreflight() throws {
        func annotated(_ pre: PreflightReport, head: String) -> [Finding] {
            PreflightAnnotation.annotate(report(headSHA: head), with: pre).0.disks[0].findings
        }
        let same = annotated(preflight(state: .labelled, headSHA: "aaa"), head: "aaa")
        XCTAssertEqual(same[0].evidence["seenByPreflight"], .bool(true))
        XCTAssertTrue(same[0].message.contains("already on the target before the copy (preflight of 2026-12-02T10:00:00Z"), same[0].message)
        XCTAssertNil(same[1].evidence["seenByPreflight"], "a size finding rests on no label bytes")
        let changed = annotated(preflight(state: .labelled, headSHA: "aaa"), head: "bbb")
        XCTAssertEqual(changed[0].evidence["seenByPreflight"], .bool(false))
        XCTAssertFalse(changed[0].message.contains("already on the target"))
        let blank = annotated(preflight(state: .blank, headSHA: "aaa"), head: "bbb")
        XCTAssertEqual(blank[0].evidence["seenByPreflight"], .bool(false))
        XCTAssertTrue(blank[0].message.contains("the copy wrote this"), blank[0].message)
        // Another target's preflight is not used for this disk.
        var elsewhere = preflight(state: .labelled, headSHA: "aaa")
        elsewhere.disks[0].targetIdentity = "file:/elsewhere.img"
        let (moved, movedNotes) = PreflightAnnotation.annotate(report(headSHA: "aaa"), with: elsewhere)
        XCTAssertNil(moved.disks[0].findings[0].evidence["seenByPreflight"])
        XCTAssertTrue(movedNotes.first?.contains("not used") ?? false, "\(movedNotes)")
        // Another VM's preflight is not used at all.
        let (other, notes) = PreflightAnnotation.annotate(report(headSHA: "aaa"), with: preflight(state: .labelled, headSHA: "aaa", vm: "web1"))
        XCTAssertNil(other.disks[0].findings[0].evidence["seenByPreflight"])
        XCTAssertEqual(notes.count, 1)
    }
}
