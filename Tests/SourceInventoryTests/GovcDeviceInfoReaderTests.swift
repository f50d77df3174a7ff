import SourceInventory
import XCTest

/// govc `device.info -json`.
final class GovcDeviceInfoReaderTests: XCTestCase {
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
}
