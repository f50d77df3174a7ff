import SourceInventory
import XCTest

/// Choosing the VM, and files that are no known inventory.
final class VMSelectionTests: XCTestCase {
    func testSingleVMFormatsRefuseAnotherVMName() throws {
        for file in ["vsphere-rest-api.json", "pgtest1.ovf", "vmx/pgtest1.vmx", "pgtest1-manifest.yaml"] {
            let error = try XCTUnwrap(expectInventoryError(Seed.path(file), vm: "web02"), file)
            XCTAssertTrue(error.message.contains("'web02'"), error.description)
        }
    }

    func testUnrecognizedJSONListsWhatItFound() throws {
        let files = try ScratchFiles()
        let path = try files.write("other.json", #"{"kind": "Pod", "metadata": {}}"#)
        let error = try XCTUnwrap(expectInventoryError(path))
        XCTAssertEqual(error.format, "JSON")
        XCTAssertTrue(error.message.contains(#"not a recognized inventory: a JSON object with members "kind", "metadata""#), error.description)
    }
}
