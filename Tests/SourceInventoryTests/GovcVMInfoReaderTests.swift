import SourceInventory
import XCTest

final class GovcVMInfoReaderTests: XCTestCase {
    func testPascalCaseWithZeroCapacityInBytesUsesCapacityInKB() throws {
        let inventory = try InventoryLoader.load(path: Seed.path("govc-vm-info-0.24.json"), vm: nil)
        Seed.assertSeedDisks(inventory)
        XCTAssertEqual(inventory.vm, VMIdentity(name: "pgtest1", moref: "vm-1043", uuid: "421c5b38-8a4e-3f1c-9a2d-7e6b5c4d3e2f", format: "govc-vm-info"))
        let first = try XCTUnwrap(inventory.disk("2000"))
        XCTAssertEqual(first.backingFile, "[datastore1] pgtest1/pgtest1.vmdk")
        XCTAssertEqual(first.uuid, "6000C29b-4c2e-8f1a-3d5e-9a7b1c2d3e4f")
        XCTAssertEqual(first.controller, "SCSI controller 0")
        XCTAssertEqual(first.bus, 0)
        XCTAssertEqual(first.unit, 0)
        XCTAssertEqual(first.thin, true)
        XCTAssertEqual(inventory.disk("2001")?.unit, 1)
        XCTAssertEqual(inventory.guestFilesystems.map(\.path), ["/boot/efi", "/boot", "/", "/var/lib/postgresql"])
        XCTAssertEqual(inventory.guestFilesystems.flatMap(\.diskKeys), [], "0.24 guest.disk has no mappings")
    }

    func testCamelCaseWithGuestDiskMappings() throws {
        let inventory = try InventoryLoader.load(path: Seed.path("govc-vm-info-0.32.json"), vm: "pgtest1")
        Seed.assertSeedDisks(inventory)
        XCTAssertEqual(inventory.vm.moref, "vm-1043")
        XCTAssertEqual(inventory.disk("2001")?.backingFile, "[datastore1] pgtest1/pgtest1_1.vmdk")
        let root = try XCTUnwrap(inventory.guestFilesystems.first { $0.path == "/" })
        XCTAssertEqual(root.type, "ext4")
        XCTAssertEqual(root.capacityBytes, 118_038_085_632)
        XCTAssertEqual(root.freeBytes, 97_211_981_824)
        XCTAssertEqual(root.diskKeys, ["2000"])
        XCTAssertEqual(inventory.guestFilesystems.first { $0.path == "/var/lib/postgresql" }?.diskKeys, ["2001"])
    }

    func testSeveralVMsNeedVMAndTheErrorListsThem() throws {
        let files = try ScratchFiles()
        let path = try files.write("two.json", """
            {"virtualMachines": [
              {"config": {"name": "pgtest1", "hardware": {"device": [{"key": 2000, "capacityInKB": 1024}]}}},
              {"config": {"name": "web02", "hardware": {"device": [{"key": 2000, "capacityInKB": 2048}]}}}]}
            """)
        let error = try XCTUnwrap(expectInventoryError(path))
        XCTAssertTrue(error.message.contains("'pgtest1', 'web02'"), error.description)
        XCTAssertTrue(error.message.contains("--vm"), error.description)
        XCTAssertEqual(try InventoryLoader.load(path: path, vm: "web02").disks.first?.capacityBytes, 2 << 20)
        let missing = try XCTUnwrap(expectInventoryError(path, vm: "db9"))
        XCTAssertTrue(missing.message.contains("no VM named 'db9'"), missing.description)
    }

    func testCapacityInBytesWinsWhenSet() throws {
        let files = try ScratchFiles()
        let path = try files.write("bytes.json", """
            {"virtualMachines": [{"config": {"name": "a", "hardware": {"device": [
              {"key": 2000, "capacityInKB": 1, "capacityInBytes": 4096}]}}}]}
            """)
        XCTAssertEqual(try InventoryLoader.load(path: path, vm: nil).disks.first?.capacityBytes, 4096)
    }

    func testMissingDeviceListNamesTheField() throws {
        let files = try ScratchFiles()
        let path = try files.write("nodevices.json", #"{"VirtualMachines": [{"Config": {"Name": "a", "Hardware": {}}}]}"#)
        let error = try XCTUnwrap(expectInventoryError(path))
        XCTAssertEqual(error.format, "govc vm.info -json (PascalCase, govc <= 0.31)")
        XCTAssertEqual(error.field, "VirtualMachines[0].Config.Hardware.device")
        XCTAssertEqual(error.message, "is missing")
    }
}
