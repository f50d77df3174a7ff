import AuditCore
import DiskProbe
import SourceInventory
import Verification
import XCTest

/// Issue 10: labels extended to a larger volume's end, vSphere-grown disks, the verdict /
/// contamination invariant and the messages — as pure logic over probe values.
final class GrownVolumeRuleTests: XCTestCase {
    let gib = ProbeValues.gib
    let mib: UInt64 = 1 << 20
    let diskA = SourceDisk(key: "2000", label: "Hard disk 1", capacityBytes: 10 << 30)
    let diskB = SourceDisk(key: "2001", label: "Hard disk 2", capacityBytes: 20 << 30)
    var inventory: Inventory { Inventory(vm: VMIdentity(name: "grown1", format: "govc-vm-info"), disks: [diskA, diskB]) }
    let guidA = "5000AAAA-0000-4000-8000-000000005000"
    let guidB = "5001BBBB-0000-4000-8000-000000005001"

    /// Disk A's label (10 GiB: data 6 GiB + logs), on a volume of `volume` bytes, its label
    /// describing `label` bytes; `grownTo` makes partition 2 reach the label's usable end.
    func labelA(volume: UInt64, label: UInt64, grown: Bool = false, guid: String? = nil,
                partition1GUID: String = "5000AAAA-0001-4000-8000-000000005000") -> ProbeResult {
        let p2Start = 6 * gib + mib
        let p2Size = grown ? label - p2Start - 33 * 512 : 10 * gib - p2Start - mib
        return ProbeValues.gpt(volumeBytes: volume, labelBytes: label, guid: guid ?? guidA,
                               partitions: [(mib, 6 * gib, partition1GUID, "50000001-0d0d-4e00-8000-000000005000"),
                                            (p2Start, p2Size, "5000AAAA-0002-4000-8000-000000005000", "50000002-0d0d-4e00-8000-000000005000")])
    }

    func labelB(volume: UInt64 = 20 << 30) -> ProbeResult {
        ProbeValues.gpt(volumeBytes: volume, labelBytes: 20 * gib, guid: guidB,
                        partitions: [(mib, 20 * gib - 2 * mib, "5001BBBB-0001-4000-8000-000000005001", "50010001-0d0d-4e00-8000-000000005001")])
    }

    func verify(_ probes: [String: ProbeResult], references: [String: ProbeResult] = [:],
                inventory: Inventory? = nil) -> VerificationReport {
        let volumes = probes.mapValues { VolumeObservation(target: $0.target, targetIdentity: $0.target + UUID().uuidString, outcome: .probed($0)) }
        return Verifier.verify(VerificationInput(inventory: inventory ?? self.inventory, volumes: volumes, references: references,
                                                 referenceKind: references.isEmpty ? .none : .sources),
                               tool: ToolInfo(version: "test"), startedAt: "s", finishedAt: "f")
    }

    func codes(_ report: VerificationReport, _ key: String) -> [String] { report.disk(key)?.findings.map(\.code) ?? [] }

    // MARK: 10.1

    func testOwnLabelExtendedToAnotherDisksExactSizeIsInfoAgainstTheSources() throws {
        let report = verify(["2000": labelA(volume: 20 * gib, label: 20 * gib), "2001": labelB()],
                            references: ["2000": labelA(volume: 10 * gib, label: 10 * gib), "2001": labelB()])
        XCTAssertEqual(report.verdict, .pass, "\(report.disks.flatMap(\.findings).map(\.message))")
        XCTAssertEqual(report.contamination, [])
        XCTAssertFalse(codes(report, "2000").contains("label-sized-for-other-disk"))
        let finding = try XCTUnwrap(report.disk("2000")?.findings.first { $0.code == "label-extended-to-volume" })
        XCTAssertEqual(finding.severity, .info)
        XCTAssertEqual(finding.evidence["basis"], "matches-source")
        XCTAssertEqual(finding.evidence["sizeMatchesDisks"], ["2001"])
        XCTAssertTrue(finding.message.contains("coincidence of sizes"), finding.message)
    }

    func testOwnLabelExtendedIsInfoWithoutReferencesWhenItsIdentityIsUniqueInTheVM() throws {
        let report = verify(["2000": labelA(volume: 20 * gib, label: 20 * gib), "2001": labelB()])
        XCTAssertEqual(report.disk("2000")?.verdict, .pass)
        XCTAssertEqual(report.contamination, [])
        let finding = try XCTUnwrap(report.disk("2000")?.findings.first { $0.code == "label-extended-to-volume" })
        XCTAssertEqual(finding.evidence["basis"], "unique-in-vm")
        XCTAssertTrue(finding.message.contains("--nbd-sources"), finding.message)
    }

    func testTheContaminatedTwinWithTheSameGeometryIsStillNamed() throws {
        // Disk 2001's label on disk 2000's 20 GiB volume: sized for the volume too, but 2001's identity.
        for references in [[:], ["2000": labelA(volume: 10 * gib, label: 10 * gib), "2001": labelB()]] {
            let report = verify(["2000": labelB(), "2001": labelB()], references: references)
            XCTAssertEqual(report.disk("2000")?.verdict, .fail)
            XCTAssertEqual(report.contamination.map { [$0.disk, $0.carries] }, [["2000", "2001"]], "\(references.keys)")
            let finding = try XCTUnwrap(report.disk("2000")?.findings.first { $0.code == "label-sized-for-other-disk" })
            XCTAssertEqual(finding.severity, .critical)
            XCTAssertFalse(finding.message.contains("grown in vSphere after"), finding.message)
            XCTAssertTrue(finding.message.contains("cannot come from growing the disk"), finding.message)
            XCTAssertFalse(codes(report, "2000").contains("label-extended-to-volume"))
        }
    }

    func testGrowpartsGrownLastPartitionIsNoLayoutMismatch() throws {
        let report = verify(["2000": labelA(volume: 20 * gib, label: 20 * gib, grown: true), "2001": labelB()],
                            references: ["2000": labelA(volume: 10 * gib, label: 10 * gib), "2001": labelB()])
        XCTAssertEqual(report.disk("2000")?.verdict, .pass, "\(report.disk("2000")?.findings.map(\.message) ?? [])")
        let finding = try XCTUnwrap(report.disk("2000")?.findings.first { $0.code == "label-extended-to-volume" })
        XCTAssertEqual(finding.evidence["grownPartitions"], [2])
        XCTAssertFalse(codes(report, "2000").contains("layout-mismatch"))
    }

    func testAnExtendedLabelThatIsNotTheSourcesStillFails() {
        // The disk GUID is not the source's; a first partition that changed is not an extension either.
        for volume in [labelA(volume: 20 * gib, label: 20 * gib, guid: "5000AAAA-0000-4000-8000-0000000050FF"),
                       labelA(volume: 20 * gib, label: 20 * gib, partition1GUID: "5000AAAA-0001-4000-8000-0000000050FF")] {
            let report = verify(["2000": volume, "2001": labelB()],
                                references: ["2000": labelA(volume: 10 * gib, label: 10 * gib), "2001": labelB()])
            XCTAssertEqual(report.disk("2000")?.verdict, .fail)
            XCTAssertTrue(codes(report, "2000").contains("label-sized-for-other-disk"))
            XCTAssertTrue(codes(report, "2000").contains("identity-mismatch"))
        }
        // A non-last partition that grew past the source's end is no extension.
        let odd = ProbeValues.gpt(volumeBytes: 20 * gib, labelBytes: 20 * gib, guid: guidA,
                                  partitions: [(mib, 12 * gib, "x1", nil), (13 * gib, gib, "x2", nil)])
        XCTAssertNil(LabelExtension.assess(disk: diskA, probe: odd, reference: nil, others: []))
    }

    func testALabelOfThisDisksSizeOnAnotherVolumeBlocksTheExcuse() {
        // Swap of unequal disks: 2001's volume carries a label sized for disk 2000 (10 GiB).
        let elsewhere = ProbeValues.gpt(volumeBytes: 20 * gib, labelBytes: 10 * gib, guid: "OTHER",
                                        partitions: [(mib, 2 * gib, "o1", nil)])
        XCTAssertNil(LabelExtension.assess(disk: diskA, probe: labelA(volume: 20 * gib, label: 20 * gib), reference: nil,
                                           others: [(diskB, elsewhere)]))
        // Sized exactly for disk 2001, whose volume was not read: it may be 2001's label; no excuse without references.
        XCTAssertNil(LabelExtension.assess(disk: diskA, probe: labelA(volume: 20 * gib, label: 20 * gib), reference: nil,
                                           others: [], inventory: inventory))
        let report = verify(["2000": labelA(volume: 20 * gib, label: 20 * gib)])
        XCTAssertEqual(report.disk("2000")?.verdict, .fail)
        // With its source, identity settles it.
        XCTAssertNotNil(LabelExtension.assess(disk: diskA, probe: labelA(volume: 20 * gib, label: 20 * gib),
                                              reference: labelA(volume: 10 * gib, label: 10 * gib), others: [], inventory: inventory))
    }

    // MARK: 10.2

    func testADiskGrownInVSphereWithSourcesPassesWithoutAContaminationEntry() throws {
        // Disk 2002 was partitioned at 10 GiB (= disk 2000's capacity) and grown to 15 GiB in vSphere.
        let diskC = SourceDisk(key: "2002", label: "Hard disk 3", capacityBytes: 15 << 30)
        let inventory = Inventory(vm: VMIdentity(name: "grown1", format: "govc-vm-info"), disks: [diskA, diskC])
        let grown = ProbeValues.gpt(volumeBytes: 15 * gib, labelBytes: 10 * gib, guid: "5002CCCC-0000-4000-8000-000000005002",
                                    partitions: [(mib, 10 * gib - 2 * mib, "5002CCCC-0001-4000-8000-000000005002", nil)])
        let ownA = labelA(volume: 10 * gib, label: 10 * gib)
        let withSources = verify(["2000": ownA, "2002": grown], references: ["2000": ownA, "2002": grown], inventory: inventory)
        XCTAssertEqual(withSources.verdict, .pass)
        XCTAssertEqual(withSources.contamination, [], "a passing disk must not be named as contaminated")
        XCTAssertTrue(codes(withSources, "2002").contains("label-matches-source-label"))
        // Without sources it fails on its own finding, without naming disk 2000, whose volume holds its own label.
        let blind = verify(["2000": ownA, "2002": grown], inventory: inventory)
        XCTAssertEqual(blind.disk("2002")?.verdict, .fail)
        XCTAssertEqual(blind.contamination, [])
        let finding = try XCTUnwrap(blind.disk("2002")?.findings.first { $0.code == "label-sized-for-other-disk" })
        XCTAssertTrue(finding.message.contains("carries its own, different label"), finding.message)
        XCTAssertTrue(finding.message.contains("grown in vSphere"), finding.message)
    }

    func testAContaminationEntryNeverSitsNextToAPassingDisk() throws {
        let pass = DiskReport(key: "2000", label: nil, target: "t", expectedBytes: 1, actualBytes: 1, verdict: .pass,
                              findings: [], checks: [], probe: nil, reference: nil)
        let entry = Contamination(disk: "2000", carries: "2001", evidence: ["content-regions"])
        let fixed = VerdictConsistency.enforce(disks: [pass], contamination: [entry], vmFindings: [], inventory: inventory)
        XCTAssertEqual(fixed.first?.verdict, .fail)
        let finding = try XCTUnwrap(fixed.first?.findings.first)
        XCTAssertEqual(finding.code, "carries-other-disk")
        XCTAssertEqual(finding.severity, .critical)
        XCTAssertTrue(finding.message.contains("disk 2001 (Hard disk 2, 20 GiB)"), finding.message)
        // A disk failed only by a VM-level finding that names it gets that finding too.
        let failing = DiskReport(key: "2001", label: nil, target: nil, expectedBytes: 1, actualBytes: nil, verdict: .fail,
                                 findings: [Finding(code: "not-read", severity: .info, message: "m")], checks: [], probe: nil,
                                 reference: nil)
        let vm = Finding(code: "duplicate-target", severity: .critical, message: "dup", evidence: ["keys": ["2000", "2001"]])
        let adopted = VerdictConsistency.enforce(disks: [failing], contamination: [], vmFindings: [vm], inventory: inventory)
        XCTAssertEqual(adopted.first?.findings.map(\.code), ["not-read", "duplicate-target"])
    }

    // MARK: 10.6

    func testEqualCapacityDisksPassingOnInventoryOnlyCannotRuleOutASwap() throws {
        let twin = SourceDisk(key: "2002", label: "Hard disk 3", capacityBytes: 20 << 30)
        let inventory = Inventory(vm: VMIdentity(name: "grown1", format: "govc-vm-info"), disks: [diskA, diskB, twin])
        let other = ProbeValues.gpt(volumeBytes: 20 * gib, labelBytes: 20 * gib, guid: "C", partitions: [(mib, gib, "c1", nil)])
        let blind = verify(["2000": labelA(volume: 10 * gib, label: 10 * gib), "2001": labelB(), "2002": other], inventory: inventory)
        XCTAssertEqual(blind.verdict, .pass)
        let finding = try XCTUnwrap(blind.findings.first { $0.code == "equal-capacity-swap-possible" })
        XCTAssertEqual(finding.severity, .info)
        XCTAssertEqual(finding.evidence["keys"], ["2001", "2002"])
        XCTAssertTrue(finding.message.contains("cannot be ruled out"), finding.message)
        let checked = verify(["2000": labelA(volume: 10 * gib, label: 10 * gib), "2001": labelB(), "2002": other],
                             references: ["2001": labelB(), "2002": other], inventory: inventory)
        XCTAssertFalse(checked.findings.contains { $0.code == "equal-capacity-swap-possible" })
    }

    func testSurplusWordingAndLabelsLargerThanTheDisk() throws {
        let big = SizeRule.findings(in: ProbeValues.context(diskA, labelA(volume: 30 * gib, label: 10 * gib), inventory: inventory))
        XCTAssertTrue(big.first?.message.contains("larger than disk 2000 (Hard disk 1, 10 GiB) by 20 GiB") ?? false, big.first?.message ?? "")
        XCTAssertFalse(big.first?.message.contains("rounded up") ?? true)
        let small = SizeRule.findings(in: ProbeValues.context(diskA, labelA(volume: 10 * gib + 512 * mib, label: 10 * gib), inventory: inventory))
        XCTAssertTrue(small.first?.message.contains("rounded up to whole GiB") ?? false, small.first?.message ?? "")
        // A 40 GiB label on the 30 GiB volume of a 10 GiB disk: no vSphere grow explains it.
        let larger = ProbeValues.gpt(volumeBytes: 30 * gib, labelBytes: 40 * gib, guid: "X", partitions: [])
        let finding = try XCTUnwrap(LabelGeometryRule.findings(in: ProbeValues.context(diskA, larger, inventory: inventory)).first)
        XCTAssertFalse(finding.message.contains("grown in vSphere after"), finding.message)
        XCTAssertTrue(finding.message.contains("cannot come from growing the disk"), finding.message)
    }

    func testAnLVMPVUUIDIsNotCalledAFilesystemUUID() {
        var probe = ProbeValues.gpt(volumeBytes: 10 * gib, labelBytes: 10 * gib, guid: "G", partitions: [(mib, gib, "p1", "pv-uuid")])
        probe.partitions[0].filesystem = FilesystemSignature(type: "LVM2_member", uuid: "pv-uuid")
        let kinds = DiskIdentity(probe).values.map(\.kind)
        XCTAssertTrue(kinds.contains("LVM PV UUID"), "\(kinds)")
        XCTAssertFalse(kinds.contains("filesystem UUID"))
        // In a contamination entry too: disk 2001's PV found on disk 2000's volume.
        var source2001 = ProbeValues.gpt(volumeBytes: 20 * gib, labelBytes: 20 * gib, guid: "H", partitions: [(mib, gib, "q1", "pv-uuid")])
        source2001.partitions[0].filesystem = FilesystemSignature(type: "LVM2_member", uuid: "pv-uuid")
        let entries = ContaminationAnalysis.analyze(
            inventory: inventory, volumes: [.init(disk: diskA, probe: probe)],
            references: ["2000": labelA(volume: 10 * gib, label: 10 * gib), "2001": source2001])
        XCTAssertEqual(entries.first?.details["filesystemUUIDKinds"], ["LVM PV UUID"])
    }
}
