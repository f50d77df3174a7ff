import Foundation
import SourceInventory
import XCTest

/// Hostile and broken files: each is one clear error naming the file, the format tried and,
/// where there is one, the field — never a crash, a hang or a false pass.
final class HostileInputTests: XCTestCase {
    private func vmInfo(disk: String) -> String {
        #"{"virtualMachines": [{"config": {"name": "pgtest1", "hardware": {"device": [\#(disk)]}}}]}"#
    }

    func testHugeCapacities() throws {
        let files = try ScratchFiles()
        let cases: [(String, String, String)] = [
            (vmInfo(disk: #"{"key": 2000, "capacityInKB": 99999999999999999999999}"#), "virtualMachines[0].config.hardware.device[0].capacityInKB", "too large"),
            (vmInfo(disk: #"{"key": 2000, "capacityInKB": 1152921504606846976}"#), "virtualMachines[0].config.hardware.device[0].capacityInKB", "exceeds the limit of 64 PiB"),
            (vmInfo(disk: #"{"key": 2000, "capacityInBytes": 1e30}"#), "virtualMachines[0].config.hardware.device[0].capacityInBytes", "1e30 is not a whole number"),
            (#"{"name": "pgtest1", "disks": {"2000": {"label": "Hard disk 1", "capacity": 18446744073709551615}}}"#, "disks.2000.capacity", "exceeds the limit"),
        ]
        for (index, (text, field, message)) in cases.enumerated() {
            let error = try XCTUnwrap(expectInventoryError(try files.write("huge\(index).json", text)))
            XCTAssertEqual(error.field, field, error.description)
            XCTAssertTrue(error.message.contains(message), error.description)
        }
        let ovf = try String(contentsOfFile: Seed.path("pgtest1.ovf"), encoding: .utf8)
            .replacingOccurrences(of: #"ovf:capacity="115""#, with: #"ovf:capacity="68719476736""#)
        let ovfError = try XCTUnwrap(expectInventoryError(try files.write("huge.ovf", ovf)))
        XCTAssertEqual(ovfError.field, "Envelope/DiskSection[0]/Disk[0]@ovf:capacity")
        XCTAssertTrue(ovfError.message.contains("exceeds the limit of 64 PiB"), ovfError.description)
    }

    func testNegativeCapacities() throws {
        let files = try ScratchFiles()
        let json = try XCTUnwrap(expectInventoryError(try files.write("neg.json", vmInfo(disk: #"{"key": 2000, "capacityInKB": -120586240}"#))))
        XCTAssertEqual(json.field, "virtualMachines[0].config.hardware.device[0].capacityInKB")
        XCTAssertEqual(json.message, "-120586240 is negative")
        let yaml = try XCTUnwrap(expectInventoryError(try files.write("neg.yaml", "vm: {name: pgtest1}\ndisks:\n  - key: 2000\n    capacityBytes: -5\n")))
        XCTAssertEqual(yaml.format, "replica-audit manifest (YAML)")
        XCTAssertEqual(yaml.field, "disks[0].capacityBytes")
        XCTAssertEqual(yaml.message, "-5 is negative")
        let ovf = try String(contentsOfFile: Seed.path("pgtest1.ovf"), encoding: .utf8)
            .replacingOccurrences(of: #"ovf:capacity="10""#, with: #"ovf:capacity="-10""#)
        let ovfError = try XCTUnwrap(expectInventoryError(try files.write("neg.ovf", ovf)))
        XCTAssertEqual(ovfError.field, "Envelope/DiskSection[0]/Disk[1]@ovf:capacity")
        let zero = try XCTUnwrap(expectInventoryError(try files.write("zero.json", vmInfo(disk: #"{"key": 2000, "capacityInKB": 0, "capacityInBytes": 0}"#))))
        XCTAssertEqual(zero.message, "capacity is 0")
    }

    func testDuplicateKeys() throws {
        let files = try ScratchFiles()
        let json = try XCTUnwrap(expectInventoryError(try files.write("dup.json", vmInfo(disk: #"{"key": 2000, "capacityInKB": 1024, "capacityInKB": 2048}"#))))
        XCTAssertEqual(json.field, "virtualMachines[0].config.hardware.device[0].capacityInKB")
        XCTAssertTrue(json.message.contains(#"duplicate key "capacityInKB""#), json.description)
        let cased = try XCTUnwrap(expectInventoryError(try files.write("case.json", vmInfo(disk: #"{"key": 2000, "capacityInKB": 1024, "CapacityInKB": 2048}"#))))
        XCTAssertTrue(cased.message.contains("appears more than once"), cased.description)
        let disks = try XCTUnwrap(expectInventoryError(try files.write("twice.json", vmInfo(disk: #"{"key": 2000, "capacityInKB": 1024}, {"key": 2000, "capacityInKB": 2048}"#))))
        XCTAssertEqual(disks.message, "two disks have key 2000")
        let yaml = try XCTUnwrap(expectInventoryError(try files.write("dup.yaml", "vm: {name: a}\ndisks:\n  - key: 2000\n    capacityBytes: 1024\n    capacityBytes: 2048\n")))
        XCTAssertEqual(yaml.field, "disks[0].capacityBytes")
        XCTAssertTrue(yaml.message.contains("duplicate key"), yaml.description)
        let vmx = try XCTUnwrap(expectInventoryError(try files.write("dup.vmx", "config.version = \"8\"\ndisplayName = \"a\"\nDisplayName = \"b\"\n")))
        XCTAssertEqual(vmx.format, "VMX with VMDK descriptors")
        XCTAssertEqual(vmx.field, "DisplayName")
        XCTAssertTrue(vmx.message.contains("line 2 and again on line 3"), vmx.description)
    }

    func testTenThousandDeepNesting() throws {
        let files = try ScratchFiles()
        let depth = 10_000
        let cases: [(String, String, String)] = [
            ("deep-array.json", String(repeating: "[", count: depth) + String(repeating: "]", count: depth), "nesting deeper than 128"),
            ("deep-object.json", String(repeating: #"{"a":"#, count: depth) + "1" + String(repeating: "}", count: depth), "nesting deeper than 128"),
            ("deep-flow.yaml", "vm: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth), "YAML nesting deeper than 128"),
            ("deep-dash.yaml", "disks:\n" + String(repeating: "- ", count: depth) + "x\n", "YAML nesting deeper than 128"),
            ("deep.ovf", String(repeating: "<Envelope>", count: depth) + String(repeating: "</Envelope>", count: depth), "nesting deeper than 128"),
        ]
        for (name, text, message) in cases {
            let error = try XCTUnwrap(expectInventoryError(try files.write(name, text)), name)
            XCTAssertTrue(error.message.contains(message), "\(name): \(error)")
        }
        // Block indentation, one space per level: 10,000 levels make a 50 MB file.
        var block = [UInt8]("vm:\n".utf8)
        block.reserveCapacity(50_100_000)
        for level in 0..<depth { block += [UInt8](repeating: 0x20, count: level + 1) + [UInt8]("a:\n".utf8) }
        let path = try files.write("deep-block.yaml", bytes: block)
        let start = Date()
        let error = try XCTUnwrap(expectInventoryError(path))
        XCTAssertTrue(error.message.contains("YAML nesting deeper than 128 levels (line 129)"), error.description)
        print("\(block.count)-byte, 10,000-level YAML refused in \(String(format: "%.0f", Date().timeIntervalSince(start) * 1000)) ms")
    }

    func testTwoHundredMegabyteFileIsRefusedBeforeReading() throws {
        let files = try ScratchFiles()
        let path = try files.write("huge.json", #"{"virtualMachines": ["#)
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: 200 * 1_000_000)
        try handle.close()
        let start = Date()
        let error = try XCTUnwrap(expectInventoryError(path))
        let elapsed = Date().timeIntervalSince(start)
        XCTAssertEqual(error.format, "any")
        XCTAssertTrue(error.message.contains("larger than the limit of 64 MiB"), error.description)
        XCTAssertTrue(error.message.contains("200000000 bytes"), error.description)
        XCTAssertLessThan(elapsed, 0.5)
        print("200 MB inventory refused in \(String(format: "%.2f", elapsed * 1000)) ms")
    }

    func testBinaryJunkAndNonFiles() throws {
        let files = try ScratchFiles()
        var generator = SystemRandomNumberGenerator()
        let junk = (0..<65_536).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let cases: [(String, String)] = [
            (try files.write("junk.bin", bytes: junk), "binary content"),
            (try files.write("png.json", bytes: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D]), "binary content: a PNG image"),
            (try files.write("nul.json", bytes: Array("{\"a\": 1".utf8) + [0] + Array("}".utf8)), "binary content (a NUL byte at offset 7)"),
            (try files.write("pgtest1.ova", bytes: Array("pgtest1.ovf".utf8) + [UInt8](repeating: 0, count: 246) + Array("ustar\u{0}00".utf8) + [UInt8](repeating: 0, count: 247)),
             // OVAs are read for their descriptor now; this header's checksum field is empty.
             "an OVA (tar archive) whose header at offset 0 is damaged (bad checksum)"),
            (try files.write("inv.json.gz", bytes: [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03]), "gzip-compressed data"),
            (try files.write("latin1.json", bytes: Array(#"{"name": "caf"#.utf8) + [0xE9] + Array(#""}"#.utf8)), "not valid UTF-8"),
            (try files.write("empty.json", ""), "the file is empty"),
            (files.directory.path, "not a regular file"),
            ("/dev/zero", "not a regular file"),
            (files.directory.appendingPathComponent("missing.json").path, "cannot open: No such file or directory"),
        ]
        for (path, message) in cases {
            let error = try XCTUnwrap(expectInventoryError(path), path)
            XCTAssertTrue(error.message.contains(message), "\(path): \(error)")
        }
    }

    func testTruncatedAndPlainTextFiles() throws {
        let files = try ScratchFiles()
        let seed = try String(contentsOfFile: Seed.path("govc-vm-info-0.32.json"), encoding: .utf8)
        let truncated = try XCTUnwrap(expectInventoryError(try files.write("cut.json", String(seed.prefix(5_000)))))
        XCTAssertTrue(truncated.message.contains("unexpected end of file"), truncated.description)
        XCTAssertNotNil(truncated.field)
        let prose = try XCTUnwrap(expectInventoryError(try files.write("notes.txt", "These are my notes about pgtest1.\n")))
        XCTAssertTrue(prose.message.contains("not a recognized inventory"), prose.description)
        let descriptor = try XCTUnwrap(expectInventoryError(Seed.path("vmx/pgtest1.vmdk")))
        XCTAssertTrue(descriptor.message.contains("pass the VM's .vmx file"), descriptor.description)
    }

    func testEntityExpansionAndAliasBombs() throws {
        let files = try ScratchFiles()
        let xml = """
            <?xml version="1.0"?>
            <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
            <Envelope>&lol2;</Envelope>
            """
        let xmlError = try XCTUnwrap(expectInventoryError(try files.write("lol.ovf", xml)))
        XCTAssertTrue(xmlError.message.contains("DTD"), xmlError.description)
        var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 { yaml += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]\n" }
        yaml += "vm: {name: bomb}\ndisks: *a9\n"
        let start = Date()
        let yamlError = try XCTUnwrap(expectInventoryError(try files.write("laughs.yaml", yaml)))
        XCTAssertTrue(yamlError.message.contains("more than 200000 values"), yamlError.description)
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)
    }

    func testInMemoryBytesGetTheSameLimits() throws {
        let oversized = [UInt8](repeating: UInt8(ascii: " "), count: InventoryLimits.maximumFileBytes + 1)
        XCTAssertThrowsError(try InventoryLoader.load(bytes: oversized, path: "(memory)", vm: nil)) { error in
            XCTAssertTrue("\(error)".hasPrefix("(memory): "), "\(error)")
            XCTAssertTrue("\(error)".contains("larger than the limit of 64 MiB"), "\(error)")
        }
        XCTAssertThrowsError(try InventoryLoader.load(bytes: [0x7B, 0x00, 0x7D], path: "(memory)", vm: nil)) { error in
            XCTAssertTrue("\(error)".contains("binary content"), "\(error)")
        }
        let seed = try Data(contentsOf: URL(fileURLWithPath: Seed.path("vsphere-rest-api.json")))
        Seed.assertSeedDisks(try InventoryLoader.load(bytes: [0xEF, 0xBB, 0xBF] + [UInt8](seed), path: "(memory)", vm: nil))
    }
}
