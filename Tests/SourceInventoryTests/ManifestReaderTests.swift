import SourceInventory
import XCTest

/// The replica-audit manifest, JSON and YAML.
final class ManifestReaderTests: XCTestCase {
    func testManifestKeepsTheExpectedLayout() throws {
        let manifest = try InventoryLoader.load(path: Seed.path("pgtest1-manifest.yaml"), vm: nil)
        let layout = try XCTUnwrap(manifest.disk("2001")?.expectedLayout)
        XCTAssertEqual(layout.type, "gpt")
        XCTAssertEqual(layout.diskId, "2001BBBB-0000-4000-8000-000000002001")
        XCTAssertEqual(layout.partitions.map(\.startBytes), [1_048_576, 8_590_983_168])
        XCTAssertEqual(manifest.guestFilesystems.last?.diskKeys, ["2001"])
        XCTAssertEqual(manifest.vm.moref, "vm-1043")
    }
}

/// YAML scalars: plain numbers, quoted strings, booleans and nulls.
final class ManifestYAMLScalarTests: XCTestCase {
    func testQuotedAndPlainKeysAndFlags() throws {
        let files = try ScratchFiles()
        let path = try files.write("m.yaml", """
            vm:
              name: "007"
              moref: ~
            disks:
              - {key: "2000", capacityBytes: 1048576, thin: false, label: 'Hard disk 1'}
              - {key: 2001, capacityBytes: "2097152", thin: True}
            """)
        let inventory = try InventoryLoader.load(path: path, vm: nil)
        XCTAssertEqual(inventory.vm.name, "007", "a quoted scalar stays a string")
        XCTAssertNil(inventory.vm.moref)
        XCTAssertEqual(inventory.disks.map(\.key), ["2000", "2001"])
        XCTAssertEqual(inventory.disks.map(\.capacityBytes), [1 << 20, 2 << 20])
        XCTAssertEqual(inventory.disks.map(\.thin), [false, true])
        XCTAssertEqual(inventory.vm.format, "manifest")
    }

    func testBadManifestsNameTheField() throws {
        let files = try ScratchFiles()
        let cases: [(String, String, String)] = [
            ("vm: {name: a}\ndisks: []\n", "disks", "lists no disk"),
            ("vm: {name: a}\ndisks:\n  - {key: 2000}\n", "disks[0].capacityBytes", "is missing"),
            ("vm: {name: a}\ndisks:\n  - {key: 'a b', capacityBytes: 1}\n", "disks[0].key", "is not a disk key"),
            ("manifestVersion: 2\nvm: {name: a}\ndisks: []\n", "manifestVersion", "version 2 is not supported"),
            ("vm: {name: a}\ndisks:\n  - {key: 2000, capacityBytes: 1.5}\n", "disks[0].capacityBytes", "1.5 is not a whole number"),
            ("vm: [unclosed\n", "", "invalid YAML"),
        ]
        for (index, (text, field, message)) in cases.enumerated() {
            let error = try XCTUnwrap(expectInventoryError(try files.write("bad\(index).yaml", text)))
            XCTAssertEqual(error.field ?? "", field, error.description)
            XCTAssertTrue(error.message.contains(message), error.description)
        }
    }
}
