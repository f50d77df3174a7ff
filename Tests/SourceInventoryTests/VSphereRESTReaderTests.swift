import SourceInventory
import XCTest

/// vSphere REST `/api` and legacy `/rest`.
final class VSphereRESTReaderTests: XCTestCase {
    func testRESTReadsIdentityAndBacking() throws {
        let api = try InventoryLoader.load(path: Seed.path("vsphere-rest-api.json"), vm: "pgtest1")
        XCTAssertEqual(api.vm.uuid, "421c5b38-8a4e-3f1c-9a2d-7e6b5c4d3e2f")
        XCTAssertNil(api.vm.moref)
        XCTAssertEqual(api.disk("2000")?.backingFile, "[datastore1] pgtest1/pgtest1.vmdk")
        XCTAssertEqual(api.disk("2000")?.controller, "SCSI")
        let legacy = try InventoryLoader.load(path: Seed.path("vsphere-rest-legacy.json"), vm: nil)
        XCTAssertEqual(legacy.disks, api.disks)
    }
}

/// A VM without disks is refused: there would be nothing to verify.
final class EmptyVMTests: XCTestCase {
    func testAVMWithoutDisksIsRefused() throws {
        let files = try ScratchFiles()
        let path = try files.write("empty.json", #"{"name": "pgtest1", "disks": {}}"#)
        let error = try XCTUnwrap(expectInventoryError(path))
        XCTAssertEqual(error.format, "vSphere REST /api/vcenter/vm/{vm}")
        XCTAssertEqual(error.message, "VM 'pgtest1' has no virtual disk; there is nothing to verify")
    }
}
