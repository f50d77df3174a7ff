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

/// Long VM lists stay readable in the one-line error.
final class VMSelectionListTests: XCTestCase {
    func testManyVMsAreListedUpToTwenty() throws {
        let files = try ScratchFiles()
        let machines = (1...250).map { #"{"config": {"name": "vm\#($0)", "hardware": {"device": [{"key": 2000, "capacityInKB": 1024}]}}}"# }
        let path = try files.write("many.json", #"{"virtualMachines": ["# + machines.joined(separator: ",") + "]}")
        let error = try XCTUnwrap(expectInventoryError(path))
        XCTAssertTrue(error.message.contains("the file describes 250 VMs ('vm1', 'vm2'"), error.description)
        XCTAssertTrue(error.message.contains("'vm20' and 230 more); choose one with --vm NAME"), error.description)
        XCTAssertEqual(try InventoryLoader.load(path: path, vm: "vm250").vm.name, "vm250")
    }
}
