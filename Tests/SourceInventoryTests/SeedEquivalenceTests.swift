import Foundation
import SourceInventory
import XCTest

/// The seed VM written in every format reads as the same normalized inventory.
final class SeedEquivalenceTests: XCTestCase {
    static let fixtures: [(file: String, format: String)] = [
        ("govc-vm-info-0.24.json", "govc-vm-info"),
        ("govc-vm-info-0.32.json", "govc-vm-info"),
        ("govc-device-info.json", "govc-device-info"),
        ("vcsim-0.24/govc-vm-info.json", "govc-vm-info"),
        ("vcsim-0.24/govc-device-info.json", "govc-device-info"),
        ("vsphere-rest-api.json", "vsphere-rest-api"),
        ("vsphere-rest-legacy.json", "vsphere-rest-legacy"),
        ("pgtest1.ovf", "ovf"),
        ("pgtest1-bytes.ovf", "ovf"),
        ("vmx/pgtest1.vmx", "vmx"),
        ("pgtest1-manifest.json", "manifest"),
        ("pgtest1-manifest.yaml", "manifest"),
    ]

    func testEveryFormatGivesTheSeedDisks() throws {
        for (file, format) in Self.fixtures {
            let inventory = try InventoryLoader.load(path: Seed.path(file), vm: format == "govc-device-info" ? "pgtest1" : nil)
            XCTAssertTrue(inventory.disks.allSatisfy { $0.uuid != "" && $0.backingFile != "" }, "empty strings are absent values: \(file)")
            XCTAssertEqual(inventory.vm.format, format, file)
            Seed.assertSeedDisks(inventory)
            XCTAssertEqual(inventory.disks.map(\.bus), [0, 0], file)
            XCTAssertEqual(inventory.disks.map(\.unit), [0, 1], file)
        }
    }

    func testDetectionIgnoresTheFileName() throws {
        let files = try ScratchFiles()
        for (file, format) in Self.fixtures where !file.contains("/") {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: Seed.path(file)))
            let path = try files.write("inventory-\(format).txt", bytes: [UInt8](bytes))
            XCTAssertEqual(try InventoryLoader.load(path: path, vm: "pgtest1").vm.format, format, file)
        }
    }

    func testJSONOutputReadsBackAsAManifest() throws {
        let inventory = try InventoryLoader.load(path: Seed.path("govc-vm-info-0.32.json"), vm: nil)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(inventory)
        let text = String(decoding: data, as: UTF8.self)
        XCTAssertTrue(text.contains(#""expectedLayout":null"#), "absent values are printed as null: \(text.prefix(300))")
        let files = try ScratchFiles()
        let path = try files.write("again.json", text)
        var again = try InventoryLoader.load(path: path, vm: nil)
        XCTAssertEqual(again.vm.format, "manifest")
        again.vm.format = inventory.vm.format
        XCTAssertEqual(again, inventory)
    }

    func testCodableRoundTripKeepsEverything() throws {
        let inventory = try InventoryLoader.load(path: Seed.path("pgtest1-manifest.yaml"), vm: nil)
        let data = try JSONEncoder().encode(inventory)
        XCTAssertEqual(try JSONDecoder().decode(Inventory.self, from: data), inventory)
    }
}
