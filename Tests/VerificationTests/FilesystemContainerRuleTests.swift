import AuditCore
import DiskProbe
import SourceInventory
import Verification
import XCTest

/// Issue 9.4 in verify (pure logic over probe values): the oversize filesystem names the
/// inventory disk it would fit; and a disk whose partition readers disagree never passes.
final class FilesystemContainerRuleTests: XCTestCase {
    let tool = ToolInfo(version: "test")

    /// Disk 2001's 10 GiB volume whose partition 1 (8 GiB) holds an ext4 made for 100 GiB —
    /// the label of the small disk over the big disk's data.
    func oversize() -> ProbeResult {
        var probe = ProbeValues.gpt(volumeBytes: 10 * ProbeValues.gib, labelBytes: 10 * ProbeValues.gib,
                                    guid: "2001BBBB-0000-4000-8000-000000002001",
                                    partitions: [(1 << 20, 8 * ProbeValues.gib, "2001bbbb-0001-4000-8000-000000002001", "fs-1")])
        probe.partitions[0].filesystem?.sizeClaim = FilesystemSizeClaim(claimedBytes: 100 * ProbeValues.gib,
                                                                        field: "s_blocks_count (26214400) × block size (4096)")
        probe.findings = [Finding(code: FindingCode.filesystemLargerThanContainer, severity: .critical, message: "The ext4 filesystem in partition 1 claims 100 GiB.",
                                  evidence: ["partition": 1, "claimedBytes": .number(100 * ProbeValues.gib),
                                             "containerBytes": .number(8 * ProbeValues.gib),
                                             "diskBytesNeeded": .number(100 * ProbeValues.gib + (1 << 20))])]
        return probe
    }

    func testTheFindingNamesTheDiskItWouldFit() throws {
        let context = DiskContext(inventory: ProbeValues.inventory, disk: ProbeValues.disk2001, probe: oversize())
        let findings = PartitionBoundsRule.findings(in: context).filter { $0.code == FindingCode.filesystemLargerThanContainer }
        let f = try XCTUnwrap(findings.first)
        XCTAssertEqual(findings.count, 1)
        XCTAssertEqual(f.severity, .critical)
        XCTAssertEqual(f.evidence["wouldFitDisks"], ["2000"])
        XCTAssertTrue(f.message.contains("It would fit disk 2000 (Hard disk 1, 115 GiB)"), f.message)

        // The same filesystem on disk 2000's volume: only that disk fits, so the label is the suspect.
        let own = DiskContext(inventory: ProbeValues.inventory, disk: ProbeValues.disk2000, probe: oversize())
        let g = try XCTUnwrap(PartitionBoundsRule.findings(in: own).first { $0.code == FindingCode.filesystemLargerThanContainer })
        XCTAssertTrue(g.message.contains("the partition table, not the volume, is too small"), g.message)
        // Nothing that large in the inventory.
        var huge = oversize()
        huge.findings[0].evidence["diskBytesNeeded"] = .number(500 * ProbeValues.gib)
        let h = try XCTUnwrap(PartitionBoundsRule.findings(in: DiskContext(inventory: ProbeValues.inventory, disk: ProbeValues.disk2001,
                                                                            probe: huge)).first { $0.code == FindingCode.filesystemLargerThanContainer })
        XCTAssertEqual(h.evidence["wouldFitDisks"], [])
        XCTAssertTrue(h.message.contains("No disk of this VM is large enough"), h.message)
    }

    func testVerifyFailsTheDiskAndListsTheFindingOnce() {
        let report = Verifier.verify(
            VerificationInput(inventory: ProbeValues.inventory, vmFindings: [],
                              volumes: ["2000": VolumeObservation(target: "a", targetIdentity: "a", outcome: .probed(ProbeValues.source2000())),
                                        "2001": VolumeObservation(target: "b", targetIdentity: "b", outcome: .probed(oversize()))],
                              references: [:], referenceKind: .none),
            tool: tool, startedAt: "2026-01-01T00:00:00Z", finishedAt: "2026-01-01T00:00:01Z")
        XCTAssertEqual(report.disk("2001")?.verdict, .fail)
        XCTAssertEqual(report.disk("2001")?.findings.filter { $0.code == FindingCode.filesystemLargerThanContainer }.count, 1)
        XCTAssertEqual(report.disk("2000")?.verdict, .pass)
    }

    func testReadersThatDisagreeMakeTheDiskInconclusiveNeverAPass() {
        var probe = ProbeValues.source2001()
        probe.findings = [Finding(code: FindingCode.partitionReadersDisagree, severity: .warning, message: "libfdisk and libblkid differ")]
        let report = Verifier.verify(
            VerificationInput(inventory: ProbeValues.inventory, vmFindings: [],
                              volumes: ["2000": VolumeObservation(target: "a", targetIdentity: "a", outcome: .probed(ProbeValues.source2000())),
                                        "2001": VolumeObservation(target: "b", targetIdentity: "b", outcome: .probed(probe))],
                              references: [:], referenceKind: .none),
            tool: tool, startedAt: "2026-01-01T00:00:00Z", finishedAt: "2026-01-01T00:00:01Z")
        XCTAssertEqual(report.disk("2001")?.verdict, .inconclusive)
        XCTAssertEqual(report.disk("2001")?.checks.first { $0.family == .probe }?.verdict, .inconclusive)
        XCTAssertEqual(report.verdict, .inconclusive)
        XCTAssertEqual(report.disk("2000")?.verdict, .pass)
    }
}
