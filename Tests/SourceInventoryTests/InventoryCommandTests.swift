import Foundation
import TestSupport
import XCTest

/// `replica-audit inventory` through the built binary: what it prints, and exit 2 with one
/// line on stderr naming the file for every file it cannot read.
final class InventoryCommandTests: XCTestCase {
    func testTextOutputShowsTheSeed() throws {
        let result = try Repository.runTool(["inventory", Seed.path("govc-vm-info-0.32.json")])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("VM pgtest1"), result.stdout)
        XCTAssertTrue(result.stdout.contains("2000  Hard disk 1  115 GiB   123480309760"), result.stdout)
        XCTAssertTrue(result.stdout.contains("2001  Hard disk 2  10 GiB    10737418240"), result.stdout)
        XCTAssertTrue(result.stdout.contains("/var/lib/postgresql  xfs"), result.stdout)
    }

    func testJSONOutputFollowsTheContract() throws {
        let result = try Repository.runTool(["inventory", Seed.path("pgtest1.ovf"), "--vm", "pgtest1", "--format", "json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let document = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let vm = try XCTUnwrap(document["vm"] as? [String: Any])
        XCTAssertEqual(vm["name"] as? String, "pgtest1")
        XCTAssertEqual(vm["format"] as? String, "ovf")
        XCTAssertTrue(vm["moref"] is NSNull, "absent moref is null")
        XCTAssertTrue(vm["uuid"] is NSNull, "absent uuid is null")
        let disks = try XCTUnwrap(document["disks"] as? [[String: Any]])
        XCTAssertEqual(disks.map { $0["key"] as? String }, ["2000", "2001"])
        XCTAssertEqual(disks.map { ($0["capacityBytes"] as? NSNumber)?.uint64Value }, [123_480_309_760, 10_737_418_240])
        XCTAssertEqual(disks.first?["backingFile"] as? String, "pgtest1-disk1.vmdk")
        XCTAssertTrue(disks.first?["uuid"] is NSNull, "absent disk uuid is null")
        XCTAssertNotNil(document["guestFilesystems"] as? [Any])
    }

    func testUnreadableFilesExitTwoWithOneLine() throws {
        let files = try ScratchFiles()
        let huge = try files.write("huge.json", "{")
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: huge))
        try handle.truncate(atOffset: 200 * 1_000_000)
        try handle.close()
        let cases: [(String, [String])] = [
            (huge, ["larger than the limit of 64 MiB"]),
            (try files.write("deep.json", String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)),
             ["read as JSON", "nesting deeper than 128"]),
            (try files.write("junk.bin", bytes: (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }), ["binary content"]),
            (try files.write("neg.json", #"{"VirtualMachines": [{"Config": {"Name": "pgtest1", "Hardware": {"Device": [{"Key": 2000, "CapacityInKB": -1}]}}}]}"#),
             ["read as govc vm.info -json (PascalCase, govc <= 0.31)", "field VirtualMachines[0].Config.Hardware.Device[0].CapacityInKB", "-1 is negative"]),
            (try files.write("dup.yaml", "vm: {name: a}\nvm: {name: b}\n"), ["read as replica-audit manifest (YAML)", "field vm", "duplicate key"]),
            (Seed.path("govc-vm-info-0.24.json"), ["no VM named 'db9'"]),
        ]
        for (path, expected) in cases {
            let start = Date()
            let result = try Repository.runTool(["inventory", path] + (path.hasSuffix("0.24.json") ? ["--vm", "db9"] : []))
            let elapsed = Date().timeIntervalSince(start)
            XCTAssertEqual(result.status, 2, "\(path): \(result.stdout)")
            XCTAssertEqual(result.stdout, "", path)
            let lines = result.stderr.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, result.stderr)
            XCTAssertTrue(result.stderr.hasPrefix("replica-audit inventory: \(path): "), result.stderr)
            for fragment in expected { XCTAssertTrue(result.stderr.contains(fragment), "\(fragment) not in \(result.stderr)") }
            XCTAssertLessThan(elapsed, 10, path)
        }
    }

    /// An appliance OVF: the configuration read, derived keys, the OVF's own names (README, "Inventories").
    func testOVFConfigurationAndDerivedKeysAreShown() throws {
        let ovf = RealWorldCorpusTests.corpus.appendingPathComponent("ovf/nsx-unified-9.1.ovf").path
        let text = try Repository.runTool(["inventory", ovf, "--ovf-configuration", "xlarge"])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.contains("VM nsx-unified-appliance  (format ovf, OVF configuration 'xlarge', "), text.stdout)
        XCTAssertTrue(text.stdout.contains("2002  Hard disk 3  100 GiB   107374182400  SCSI controller 0  0:2"), text.stdout)
        XCTAssertTrue(text.stdout.contains("key derived; OVF name 'Harddisk xlarge'"), text.stdout)
        XCTAssertTrue(text.stdout.contains("Keys marked \"key derived\" are not in the file"), text.stdout)

        let json = try Repository.runTool(["inventory", ovf, "--format", "json"])
        XCTAssertEqual(json.status, 0, json.stderr)
        let document = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        XCTAssertEqual((document["vm"] as? [String: Any])?["ovfConfiguration"] as? String, "medium")
        let disks = try XCTUnwrap(document["disks"] as? [[String: Any]])
        XCTAssertEqual(disks.map { $0["keyDerived"] as? Bool }, [true, true])
        XCTAssertEqual(disks.map { $0["elementName"] as? String }, ["Harddisk 1", "Harddisk 2"])
        XCTAssertEqual(disks.map { $0["label"] as? String }, ["Hard disk 1", "Hard disk 2"])

        // Keys from the file are not marked; formats without deployment options print no configuration.
        let govc = try Repository.runTool(["inventory", Seed.path("govc-vm-info-0.32.json"), "--format", "json"])
        let seed = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(govc.stdout.utf8)) as? [String: Any])
        XCTAssertNil((seed["vm"] as? [String: Any])?["ovfConfiguration"])
        XCTAssertEqual((seed["disks"] as? [[String: Any]])?.map { $0["keyDerived"] as? Bool }, [false, false])

        let unknown = try Repository.runTool(["inventory", ovf, "--ovf-configuration", "huge"])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains("no configuration 'huge'; the valid ones are 'small', 'medium', 'large', 'xlarge'"), unknown.stderr)
        let malformed = try Repository.runTool(["inventory", ovf, "--ovf-property", "noequals"])
        XCTAssertEqual(malformed.status, 2)
        XCTAssertTrue(malformed.stderr.contains("--ovf-property 'noequals': expected KEY=VALUE"), malformed.stderr)
    }

    /// RDM and independent disks are named in the text output and the JSON.
    func testRDMAndIndependentDisksAreShown() throws {
        let file = Seed.path("vcsim-style/govc-vm-info-rdm-guest-mappings.json")
        let text = try Repository.runTool(["inventory", file])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.contains("rdm-physical; independent_persistent"), text.stdout)
        XCTAssertTrue(text.stdout.contains("Disk 2001 is a raw device mapping in physical compatibility mode"), text.stdout)
        XCTAssertTrue(text.stdout.contains("Disk 2003 is an independent non-persistent disk"), text.stdout)
        let json = try Repository.runTool(["inventory", file, "--format", "json"])
        let document = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let disks = try XCTUnwrap(document["disks"] as? [[String: Any]])
        XCTAssertEqual(disks.map { $0["backingKind"] as? String }, ["vmdk", "rdm-physical", "rdm-virtual", "vmdk", "vmdk"])
        XCTAssertEqual(disks[3]["diskMode"] as? String, "independent_nonpersistent")
    }

    /// Every command that takes an inventory explains the OVF options; `inventory --help` also derived keys.
    func testHelpExplainsTheOVFOptionsAndDerivedKeys() throws {
        for command in ["inventory", "verify", "capture"] {
            let help = try Repository.runTool([command, "--help"])
            XCTAssertEqual(help.status, 0, help.stderr)
            XCTAssertTrue(help.stdout.contains("--ovf-configuration <NAME>"), "\(command): \(help.stdout)")
            XCTAssertTrue(help.stdout.contains("--ovf-property <KEY=VALUE>"), "\(command): \(help.stdout)")
        }
        let help = try Repository.runTool(["inventory", "--help"])
        let words = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        XCTAssertTrue(words.contains("Derived keys: OVF and VMX files carry no device keys"), help.stdout)
        XCTAssertTrue(words.contains("SATA 16000 + 30 x bus + unit, NVMe 32000 + 15 x bus + unit"), help.stdout)
    }
}
