import AuditCore
import DiskProbe
import SourceInventory
import Verification
import XCTest

final class ContaminationAnalysisTests: XCTestCase {
    let gib = ProbeValues.gib

    func volumes(_ pairs: [(SourceDisk, ProbeResult)]) -> [ContaminationAnalysis.Volume] {
        pairs.map { ContaminationAnalysis.Volume(disk: $0.0, probe: $0.1) }
    }

    func testWithoutReferencesTheImpliedSizeAttributesTheLabel() throws {
        let entries = ContaminationAnalysis.analyze(
            inventory: ProbeValues.inventory,
            volumes: volumes([(ProbeValues.disk2000, ProbeValues.contaminated2000), (ProbeValues.disk2001, ProbeValues.source2001())]),
            references: [:])
        XCTAssertEqual(entries.map { [$0.disk, $0.carries] }, [["2000", "2001"]])
        XCTAssertEqual(entries.first?.evidence, ["implied-size"])
        XCTAssertEqual(entries.first?.details["alternateLBA"], .number(20_971_519))
        XCTAssertEqual(entries.first?.details["endHeaderDiskGUID"], "2000AAAA-0000-4000-8000-000000002000")
    }

    func testASwapOfEqualSizesIsFoundFromIdentitiesOnly() {
        let disk0 = SourceDisk(key: "2000", label: "Hard disk 1", capacityBytes: 20 * gib)
        let disk1 = SourceDisk(key: "2001", label: "Hard disk 2", capacityBytes: 20 * gib)
        let inventory = Inventory(vm: ProbeValues.inventory.vm, disks: [disk0, disk1])
        func source(_ n: String) -> ProbeResult {
            ProbeValues.gpt(volumeBytes: 20 * gib, labelBytes: 20 * gib, guid: "G-\(n)",
                            partitions: [(1 << 20, 19 * gib, "P-\(n)", "F-\(n)")])
        }
        let vols = volumes([(disk0, source("2001")), (disk1, source("2000"))])
        XCTAssertEqual(ContaminationAnalysis.analyze(inventory: inventory, volumes: vols, references: [:]), [])
        let entries = ContaminationAnalysis.analyze(inventory: inventory, volumes: vols,
                                                    references: ["2000": source("2000"), "2001": source("2001")])
        XCTAssertEqual(entries.map { [$0.disk, $0.carries] }, [["2000", "2001"], ["2001", "2000"]])
        // The layouts are identical, so layout is no evidence; the identities are.
        XCTAssertEqual(entries.first?.evidence, ["disk-guid", "partition-guids", "filesystem-uuids"])
    }

    func testAnAmbiguousSizeNamesNobody() {
        let twin = SourceDisk(key: "2002", label: "Hard disk 3", capacityBytes: 10 * gib)
        let inventory = Inventory(vm: ProbeValues.inventory.vm, disks: ProbeValues.inventory.disks + [twin])
        let entries = ContaminationAnalysis.analyze(inventory: inventory,
                                                    volumes: volumes([(ProbeValues.disk2000, ProbeValues.contaminated2000)]),
                                                    references: [:])
        XCTAssertEqual(entries, [])
    }

    func testACorrectCopyOnALargerVolumeIsNotContamination() {
        let entries = ContaminationAnalysis.analyze(
            inventory: ProbeValues.inventory,
            volumes: volumes([(ProbeValues.disk2001, ProbeValues.source2001(volumeBytes: 11 * gib)),
                              (ProbeValues.disk2000, ProbeValues.source2000())]),
            references: ["2000": ProbeValues.source2000(), "2001": ProbeValues.source2001()])
        XCTAssertEqual(entries, [])
    }

    func testSampledContentAloneCanAttributeADOSVolume() {
        let disk0 = SourceDisk(key: "2000", capacityBytes: 50 * gib)
        let disk1 = SourceDisk(key: "2001", capacityBytes: 8 * gib)
        let inventory = Inventory(vm: ProbeValues.inventory.vm, disks: [disk0, disk1])
        let found = ProbeValues.dos(volumeBytes: 50 * gib, signature: "0x08080808", partitions: [(1 << 20, 8 * gib - (1 << 20), nil)])
        let entries = ContaminationAnalysis.analyze(inventory: inventory, volumes: volumes([(disk0, found)]), references: [:],
                                                    contentMatches: ["2000": ["2001"]])
        XCTAssertEqual(entries.map { [$0.disk, $0.carries] }, [["2000", "2001"]])
        XCTAssertEqual(entries.first?.evidence, ["content-samples"])
    }
}
