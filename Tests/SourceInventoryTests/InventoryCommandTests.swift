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
}
