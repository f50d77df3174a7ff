import SourceInventory
import XCTest

/// VMX files and their VMDK descriptors.
final class VMXReaderTests: XCTestCase {
    func testVMXReadsDescriptors() throws {
        let vmx = try InventoryLoader.load(path: Seed.path("vmx/pgtest1.vmx"), vm: nil)
        XCTAssertEqual(vmx.vm.uuid, "421c5b38-8a4e-3f1c-9a2d-7e6b5c4d3e2f")
        XCTAssertEqual(vmx.disk("2000")?.uuid, "6000C29b-4c2e-8f1a-3d5e-9a7b1c2d3e4f")
        XCTAssertEqual(vmx.disk("2001")?.backingFile, "pgtest1_1.vmdk")
        XCTAssertEqual(vmx.disk("2001")?.thin, true)
        XCTAssertEqual(vmx.disks.count, 2, "the CD-ROM on ide1:0 is not a disk")
    }

    func testVMXWithAMissingDescriptorNamesTheSetting() throws {
        let files = try ScratchFiles()
        let path = try files.write("lonely.vmx", """
            .encoding = "UTF-8"
            displayName = "lonely"
            scsi0:3.fileName = "gone.vmdk"
            scsi0:3.present = "TRUE"
            """)
        let error = try XCTUnwrap(expectInventoryError(path))
        XCTAssertEqual(error.field, "scsi0:3.fileName")
        XCTAssertTrue(error.message.contains("gone.vmdk"), error.description)
    }

    func testVMXKeysFollowBusAndUnit() throws {
        let files = try ScratchFiles()
        _ = try files.write("a.vmdk", "# Disk DescriptorFile\nRW 2048 VMFS \"a-flat.vmdk\"\nRW 2048 VMFS \"a-f002.vmdk\"\n")
        let path = try files.write("multi.vmx", """
            config.version = "8"
            displayName = "multi"
            scsi1:2.fileName = "a.vmdk"
            sata0:1.fileName = "a.vmdk"
            nvme0:0.fileName = "a.vmdk"
            """)
        let inventory = try InventoryLoader.load(path: path, vm: nil)
        // vSphere keys SATA disks from 16000 and NVMe disks from 32000 (docs/INVENTORIES.md).
        XCTAssertEqual(inventory.disks.map(\.key), ["2018", "16001", "32000"])
        XCTAssertTrue(inventory.disks.allSatisfy(\.keyDerived))
        XCTAssertEqual(inventory.disks.map(\.controller), ["SCSI controller 1", "SATA controller 0", "NVME controller 0"])
        XCTAssertEqual(inventory.disks.map(\.label), ["Hard disk 1", "Hard disk 2", "Hard disk 3"])
        XCTAssertEqual(inventory.disks.map(\.capacityBytes), [2 << 20, 2 << 20, 2 << 20], "extents are summed")
    }
}
