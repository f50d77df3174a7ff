import Foundation
import SourceInventory
import XCTest

/// RDMs, raw devices, independent and non-persistent disks, as each reader that carries them
/// says: govc vm.info (both encodings) and device.info, VMX, REST, manifest.
final class DiskBackingTests: XCTestCase {
    func testGovcRDMAndIndependentDisks() throws {
        let inventory = try InventoryLoader.load(path: Seed.path("vcsim-style/govc-vm-info-rdm-guest-mappings.json"), vm: nil)
        XCTAssertEqual(inventory.disks.map(\.key), ["2000", "2001", "2002", "2003", "2004"])
        XCTAssertEqual(inventory.disks.map(\.backingKind), [.vmdk, .rdmPhysical, .rdmVirtual, .vmdk, .vmdk])
        XCTAssertEqual(inventory.disks.map(\.diskMode), ["persistent", "independent_persistent", "persistent", "independent_nonpersistent", "persistent"])
        XCTAssertEqual(inventory.disks.map { $0.replicationCaveat != nil }, [false, true, true, true, false])
        XCTAssertFalse(inventory.disks.contains(where: \.keyDerived), "govc gives the keys")
        // Guest filesystems: one spanning two disks (LVM), one on 2003 alone.
        XCTAssertEqual(inventory.guestFilesystems.map(\.diskKeys), [["2000"], ["2000"], ["2003", "2004"], ["2003"]])

        // The PascalCase encoding (govc <= 0.31) has no _typeName: the members decide.
        let text = try String(contentsOfFile: Seed.path("vcsim-style/govc-vm-info-rdm-guest-mappings.json"), encoding: .utf8)
        var pascal = text.replacingOccurrences(of: "\"virtualMachines\"", with: "\"VirtualMachines\"")
        pascal = pascal.replacingOccurrences(of: #""_typeName": "[A-Za-z0-9]+",?"#, with: "", options: .regularExpression)
        pascal = pascal.replacingOccurrences(of: #",(\s*[}\]])"#, with: "$1", options: .regularExpression)
        let files = try ScratchFiles()
        let old = try InventoryLoader.load(path: try files.write("pascal.json", pascal), vm: nil)
        XCTAssertEqual(old.vm.format, "govc-vm-info")
        XCTAssertEqual(old.disks.map(\.backingKind), [.vmdk, .rdmPhysical, .rdmVirtual, .vmdk, .vmdk])
        XCTAssertEqual(old.disks.map(\.diskMode), inventory.disks.map(\.diskMode))
    }

    func testGovcSATAAndNVMeCaptures() throws {
        for (file, vm) in [("vcsim-style/govc-vm-info-sata-nvme.json", nil), ("vcsim-style/govc-device-info-sata-nvme.json", "sn1")] {
            let inventory = try InventoryLoader.load(path: Seed.path(file), vm: vm)
            XCTAssertEqual(inventory.disks.map(\.key), ["16000", "16001", "32000", "32015"], file)
            XCTAssertEqual(inventory.disks.map(\.label), ["Hard disk 1", "Hard disk 2", "Hard disk 3", "Hard disk 4"], file)
            XCTAssertEqual(inventory.disks.map(\.capacityBytes), [40 << 30, 8 << 30, 100 << 30, 250 << 30], file)
            XCTAssertEqual(inventory.disks.map(\.controller), ["SATA controller 0", "SATA controller 0", "NVME controller 0", "NVME controller 1"], file)
            XCTAssertEqual(inventory.disks.map(\.bus), [0, 0, 0, 1], file)
            XCTAssertEqual(inventory.disks.map(\.unit), [0, 1, 0, 0], file)
            XCTAssertEqual(inventory.disks.map(\.backingKind), [.vmdk, .vmdk, .vmdk, .vmdk], file)
            // The keys vSphere gave these disks are the ones the derivation rule gives their slots.
            XCTAssertEqual(inventory.disks.map { disk -> Int in
                let kind: ControllerKind = disk.key.hasPrefix("16") ? .sata : .nvme
                return kind.diskKeyBase + kind.unitsPerBus * (disk.bus ?? -1) + (disk.unit ?? -1)
            }.map(String.init), inventory.disks.map(\.key), file)
        }
    }

    func testVMXModesRawDisksAndRDMDescriptors() throws {
        let files = try ScratchFiles()
        _ = try files.write("flat.vmdk", "# Disk DescriptorFile\ncreateType=\"vmfs\"\nRW 2048 VMFS \"flat-flat.vmdk\"\n")
        _ = try files.write("rdmv.vmdk", "# Disk DescriptorFile\ncreateType=\"vmfsRawDeviceMap\"\nRW 4096 VMFSRDM \"rdmv-rdm.vmdk\"\n")
        _ = try files.write("rdmp.vmdk", "# Disk DescriptorFile\ncreateType=\"vmfsPassthroughRawDeviceMap\"\nRW 8192 VMFSRDM \"rdmp-rdmp.vmdk\"\n")
        _ = try files.write("raw.vmdk", "# Disk DescriptorFile\ncreateType=\"fullDevice\"\nRW 2048 FLAT \"/dev/sdb\" 0\n")
        let path = try files.write("modes.vmx", """
            config.version = "8"
            displayName = "modes"
            scsi0:0.fileName = "flat.vmdk"
            scsi0:1.fileName = "rdmv.vmdk"
            scsi0:1.mode = "independent-persistent"
            scsi0:2.fileName = "rdmp.vmdk"
            scsi0:3.fileName = "flat.vmdk"
            scsi0:3.mode = "independent-nonpersistent"
            ide0:0.fileName = "raw.vmdk"
            ide0:0.deviceType = "rawDisk"
            sata0:0.fileName = "flat.vmdk"
            sata0:0.mode = "persistent"
            """)
        let inventory = try InventoryLoader.load(path: path, vm: nil)
        XCTAssertEqual(inventory.disks.map(\.key), ["2000", "2001", "2002", "2003", "3000", "16000"])
        XCTAssertEqual(inventory.disks.map(\.backingKind), [.vmdk, .rdmVirtual, .rdmPhysical, .vmdk, .rawDevice, .vmdk])
        XCTAssertEqual(inventory.disks.map(\.diskMode), [nil, "independent_persistent", nil, "independent_nonpersistent", nil, "persistent"])
        XCTAssertEqual(inventory.disks.map { $0.replicationCaveat != nil }, [false, true, true, true, true, false])

        // A disk on a controller that is not present is not part of the VM.
        let absent = try files.write("absent.vmx", "displayName = \"absent\"\nscsi0:0.fileName = \"flat.vmdk\"\nscsi1.present = \"FALSE\"\nscsi1:0.fileName = \"flat.vmdk\"\n")
        XCTAssertEqual(try InventoryLoader.load(path: absent, vm: nil).disks.map(\.key), ["2000"])

        // A device the VMX calls a hard disk, backed by something that is not a VMDK: refused.
        let device = try files.write("device.vmx", "displayName = \"device\"\nscsi0:1.deviceType = \"scsi-hardDisk\"\nscsi0:1.fileName = \"/vmfs/devices/disks/naa.600508b1\"\n")
        let deviceError = try XCTUnwrap(expectInventoryError(device))
        XCTAssertEqual(deviceError.field, "scsi0:1.fileName")
        XCTAssertTrue(deviceError.message.hasPrefix("'/vmfs/devices/disks/naa.600508b1' backs a scsi-harddisk device but is not a VMDK descriptor"), deviceError.description)

        // A disk slot vSphere has no documented key for is refused, not silently dropped.
        let wide = try files.write("wide.vmx", "displayName = \"wide\"\nscsi0:20.fileName = \"flat.vmdk\"\n")
        let error = try XCTUnwrap(expectInventoryError(wide))
        XCTAssertEqual(error.field, "scsi0:20.fileName")
        XCTAssertTrue(error.message.hasPrefix("scsi0:20: unit 20 has no documented vSphere disk key"), error.description)
    }

    func testRESTBackingTypeAndManifestRoundTrip() throws {
        let files = try ScratchFiles()
        let rest = try files.write("rest.json", """
            {"name": "r1", "disks": {"2000": {"label": "Hard disk 1", "type": "SCSI", "scsi": {"bus": 0, "unit": 0},
             "backing": {"type": "VMDK_FILE", "vmdk_file": "[ds] r1/r1.vmdk"}, "capacity": 1073741824},
             "2001": {"label": "Hard disk 2", "type": "SCSI", "scsi": {"bus": 0, "unit": 1},
             "backing": {"type": "SOMETHING_NEW"}, "capacity": 2147483648}}}
            """)
        let inventory = try InventoryLoader.load(path: rest, vm: nil)
        XCTAssertEqual(inventory.disks.map(\.backingKind), [.vmdk, .other])

        // What `inventory --format json` prints reads back as a manifest with every new field.
        let rdm = try InventoryLoader.load(path: Seed.path("vcsim-style/govc-vm-info-rdm-guest-mappings.json"), vm: nil)
        let ovf = try InventoryLoader.load(path: Seed.path("pgtest1.ovf"), vm: nil)
        let nsx = try InventoryLoader.load(path: RealWorldCorpusTests.corpus.appendingPathComponent("ovf/nsx-unified-9.1.ovf").path, vm: nil)
        XCTAssertEqual(nsx.ovfDeployment, OVFDeployment(configurations: ["small", "medium", "large", "xlarge"], defaultConfiguration: "medium",
                                                        chosenByOption: false))
        XCTAssertNil(ovf.ovfDeployment)
        for original in [rdm, ovf, nsx] {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let path = try files.write("again-\(original.vm.name).json", String(decoding: try encoder.encode(original), as: UTF8.self))
            var again = try InventoryLoader.load(path: path, vm: nil)
            again.vm.format = original.vm.format
            XCTAssertEqual(again, original)
        }
        let bad = try files.write("bad.yaml", "vm: {name: x}\ndisks:\n  - {key: 2000, capacityBytes: 1024, backingKind: lun}\n")
        XCTAssertTrue(try XCTUnwrap(expectInventoryError(bad)).message.contains("'lun' is not a backing kind"))
    }
}
