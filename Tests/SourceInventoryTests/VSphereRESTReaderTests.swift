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
