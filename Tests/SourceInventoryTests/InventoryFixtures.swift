import Foundation
import SourceInventory
import TestSupport
import XCTest

/// The seed VM as every fixture must read: pgtest1 with disks 2000 (115 GiB) and 2001 (10 GiB).
enum Seed {
    static let disk2000Bytes: UInt64 = 123_480_309_760
    static let disk2001Bytes: UInt64 = 10_737_418_240

    /// `Fixtures/inventories/NAME`.
    static func path(_ name: String) -> String { Repository.fixture("inventories/\(name)").path }

    /// Asserts the disks' key, label and capacity are the seed's.
    static func assertSeedDisks(_ inventory: Inventory, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(inventory.vm.name, "pgtest1", file: file, line: line)
        XCTAssertEqual(inventory.disks.map(\.key), ["2000", "2001"], file: file, line: line)
        XCTAssertEqual(inventory.disks.map(\.label), ["Hard disk 1", "Hard disk 2"], file: file, line: line)
        XCTAssertEqual(inventory.disks.map(\.capacityBytes), [disk2000Bytes, disk2001Bytes], file: file, line: line)
    }
}

/// Inventory files written for one test, in a temporary directory removed afterwards.
final class ScratchFiles {
    let directory: URL

    init() throws { directory = try TemporaryDirectory.make(prefix: "inventory") }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// Writes `text` to `name` and returns its path.
    func write(_ name: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// Writes raw bytes to `name` and returns its path.
    func write(_ name: String, bytes: [UInt8]) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }
}

/// Loads `path`, expecting an `InventoryError`, and returns it.
func expectInventoryError(_ path: String, vm: String? = nil, options: InventoryOptions = InventoryOptions(),
                          file: StaticString = #filePath, line: UInt = #line) -> InventoryError? {
    do {
        let inventory = try InventoryLoader.load(path: path, vm: vm, options: options)
        XCTFail("expected an error, read \(inventory.disks.count) disks", file: file, line: line)
        return nil
    } catch {
        XCTAssertTrue(error.description.hasPrefix(path), "error does not start with the file: \(error)", file: file, line: line)
        XCTAssertFalse(error.description.contains("\n"), "error is not one line: \(error)", file: file, line: line)
        return error
    }
}
