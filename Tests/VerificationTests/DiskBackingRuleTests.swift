import AuditCore
import SourceInventory
import Verification
import XCTest

/// The warnings for disks an image copy does not cover: one per RDM / raw device
/// (`disk-not-replicated-by-image`) and per independent or non-persistent disk
/// (`disk-independent-mode`), none for ordinary disks, and never a failed verdict.
final class DiskBackingRuleTests: XCTestCase {
    static let inventory = Inventory(vm: VMIdentity(name: "db2", format: "govc-vm-info"), disks: [
        SourceDisk(key: "2000", label: "Hard disk 1", capacityBytes: 1 << 30, backingKind: .vmdk, diskMode: "persistent"),
        SourceDisk(key: "2001", label: "Hard disk 2", capacityBytes: 2 << 30, backingKind: .rdmPhysical, diskMode: "independent_persistent"),
        SourceDisk(key: "2002", label: "Hard disk 3", capacityBytes: 3 << 30, backingKind: .rdmVirtual),
        SourceDisk(key: "2003", label: "Hard disk 4", capacityBytes: 4 << 30, diskMode: "independent_persistent"),
        SourceDisk(key: "2004", label: "Hard disk 5", capacityBytes: 5 << 30, backingKind: .vmdk, diskMode: "independent_nonpersistent"),
        SourceDisk(key: "3000", label: "Hard disk 6", capacityBytes: 6 << 30, backingKind: .rawDevice),
        SourceDisk(key: "2005", label: "Hard disk 7", capacityBytes: 7 << 30),
    ])

    func testOneWarningPerUncoveredDisk() {
        let findings = DiskBackingRule.findings(inventory: Self.inventory)
        XCTAssertEqual(findings.map(\.code), [
            FindingCode.diskNotReplicatedByImage, FindingCode.diskNotReplicatedByImage, FindingCode.diskIndependentMode,
            FindingCode.diskIndependentMode, FindingCode.diskNotReplicatedByImage,
        ])
        XCTAssertEqual(findings.map { $0.evidence["key"] }, ["2001", "2002", "2003", "2004", "3000"].map(JSONValue.string))
        XCTAssertTrue(findings.allSatisfy { $0.severity == .warning })
        XCTAssertTrue(findings[0].message.hasPrefix("Disk 2001 (Hard disk 2, 2 GiB) is a raw device mapping in physical compatibility mode"), findings[0].message)
        XCTAssertTrue(findings[0].message.contains("An image copy usually does not replicate an RDM"), findings[0].message)
        XCTAssertTrue(findings[2].message.contains("tools that read from snapshots skip independent disks"), findings[2].message)
        XCTAssertTrue(findings[3].message.contains("Non-persistent disks lose their changes"), findings[3].message)
        XCTAssertEqual(findings[0].evidence["backingKind"], .string("rdm-physical"))
        XCTAssertEqual(DiskBackingRule.findings(inventory: Inventory(vm: Self.inventory.vm, disks: [Self.inventory.disks[0], Self.inventory.disks[6]])), [])
    }

    /// The assumptions a verdict rests on are recorded: the OVF default read without
    /// --ovf-configuration, and derived keys. Nothing when the file said it all.
    func testInventoryAssumptionsAreInfoFindings() {
        var inventory = Inventory(vm: VMIdentity(name: "nsx", format: "ovf", ovfConfiguration: "medium"), disks: [
            SourceDisk(key: "2000", capacityBytes: 1 << 30, keyDerived: true), SourceDisk(key: "2001", capacityBytes: 1 << 30, keyDerived: true),
        ], ovfDeployment: OVFDeployment(configurations: ["small", "medium", "xlarge"], defaultConfiguration: "medium", chosenByOption: false))
        let findings = InventoryAssumptionsRule.findings(inventory: inventory)
        XCTAssertEqual(findings.map(\.code), [FindingCode.ovfConfigurationAssumed, FindingCode.diskKeysDerived])
        XCTAssertTrue(findings.allSatisfy { $0.severity == .info })
        XCTAssertTrue(findings[0].message.contains("read for 'medium', its default") && findings[0].message.contains("(small, xlarge)"), findings[0].message)
        XCTAssertEqual(findings[1].evidence["derivedKeys"], .array([.string("2000"), .string("2001")]))
        inventory.ovfDeployment?.chosenByOption = true
        XCTAssertEqual(InventoryAssumptionsRule.findings(inventory: inventory).map(\.code), [FindingCode.diskKeysDerived])
        inventory.disks = inventory.disks.map { var disk = $0; disk.keyDerived = false; return disk }
        XCTAssertEqual(InventoryAssumptionsRule.findings(inventory: inventory), [])
    }
}
