import SourceInventory
import XCTest

/// Reader-specific details beyond the seed's key, label and capacity.
final class OtherReaderTests: XCTestCase {
    func testDeviceInfoNamesTheVMFromTheOption() throws {
        let unnamed = try InventoryLoader.load(path: Seed.path("govc-device-info.json"), vm: nil)
        XCTAssertEqual(unnamed.vm.name, "unnamed")
        XCTAssertEqual(unnamed.disk("2000")?.controller, "SCSI controller 0")
        XCTAssertEqual(unnamed.disk("2001")?.uuid, "6000C295-7e1d-2b3c-4a5f-6e8d9c0b1a2f")
    }

    func testDeviceInfoFilteredToDisksTakesControllerAndUnitFromTheName() throws {
        let files = try ScratchFiles()
        let path = try files.write("disks.json", #"{"devices": [{"name": "disk-1000-1", "type": "VirtualDisk", "key": 2001, "capacityInKB": 10485760}]}"#)
        let disk = try XCTUnwrap(InventoryLoader.load(path: path, vm: "pgtest1").disk("2001"))
        XCTAssertEqual(disk.controller, "1000")
        XCTAssertEqual(disk.unit, 1)
        XCTAssertEqual(disk.capacityBytes, Seed.disk2001Bytes)
    }

    func testRESTReadsIdentityAndBacking() throws {
        let api = try InventoryLoader.load(path: Seed.path("vsphere-rest-api.json"), vm: "pgtest1")
        XCTAssertEqual(api.vm.uuid, "421c5b38-8a4e-3f1c-9a2d-7e6b5c4d3e2f")
        XCTAssertNil(api.vm.moref)
        XCTAssertEqual(api.disk("2000")?.backingFile, "[datastore1] pgtest1/pgtest1.vmdk")
        XCTAssertEqual(api.disk("2000")?.controller, "SCSI")
        let legacy = try InventoryLoader.load(path: Seed.path("vsphere-rest-legacy.json"), vm: nil)
        XCTAssertEqual(legacy.disks, api.disks)
    }

    func testSingleVMFormatsRefuseAnotherVMName() throws {
        for file in ["vsphere-rest-api.json", "pgtest1.ovf", "vmx/pgtest1.vmx", "pgtest1-manifest.yaml"] {
            let error = try XCTUnwrap(expectInventoryError(Seed.path(file), vm: "web02"), file)
            XCTAssertTrue(error.message.contains("'web02'"), error.description)
        }
    }

    func testOVFUnitsAndFiles() throws {
        let ovf = try InventoryLoader.load(path: Seed.path("pgtest1.ovf"), vm: nil)
        XCTAssertEqual(ovf.disk("2000")?.backingFile, "pgtest1-disk1.vmdk")
        XCTAssertEqual(ovf.disk("2001")?.controller, "SCSI controller 0")
        let files = try ScratchFiles()
        let template = try String(contentsOfFile: Seed.path("pgtest1.ovf"), encoding: .utf8)
        let decimal = try files.write("decimal.ovf", template.replacingOccurrences(of: "byte * 2^30", with: "byte * 10^9"))
        XCTAssertEqual(try InventoryLoader.load(path: decimal, vm: nil).disks.map(\.capacityBytes), [115_000_000_000, 10_000_000_000])
        let unknown = try files.write("unknown.ovf", template.replacingOccurrences(of: "byte * 2^30", with: "furlongs"))
        let error = try XCTUnwrap(expectInventoryError(unknown))
        XCTAssertEqual(error.format, "OVF descriptor")
        XCTAssertEqual(error.field, "Envelope/DiskSection[0]/Disk[0]@ovf:capacityAllocationUnits")
        XCTAssertTrue(error.message.contains("unknown allocation unit 'furlongs'"), error.description)
    }

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
        XCTAssertEqual(inventory.disks.map(\.key), ["2018", "15001", "31000"])
        XCTAssertEqual(inventory.disks.map(\.label), ["Hard disk 1", "Hard disk 2", "Hard disk 3"])
        XCTAssertEqual(inventory.disks.map(\.capacityBytes), [2 << 20, 2 << 20, 2 << 20], "extents are summed")
    }

    func testManifestKeepsTheExpectedLayout() throws {
        let manifest = try InventoryLoader.load(path: Seed.path("pgtest1-manifest.yaml"), vm: nil)
        let layout = try XCTUnwrap(manifest.disk("2001")?.expectedLayout)
        XCTAssertEqual(layout.type, "gpt")
        XCTAssertEqual(layout.diskId, "2001BBBB-0000-4000-8000-000000002001")
        XCTAssertEqual(layout.partitions.map(\.startBytes), [1_048_576, 8_590_983_168])
        XCTAssertEqual(manifest.guestFilesystems.last?.diskKeys, ["2001"])
        XCTAssertEqual(manifest.vm.moref, "vm-1043")
    }

    func testUnrecognizedJSONListsWhatItFound() throws {
        let files = try ScratchFiles()
        let path = try files.write("other.json", #"{"kind": "Pod", "metadata": {}}"#)
        let error = try XCTUnwrap(expectInventoryError(path))
        XCTAssertEqual(error.format, "JSON")
        XCTAssertTrue(error.message.contains(#"not a recognized inventory: a JSON object with members "kind", "metadata""#), error.description)
    }
}
