import Foundation
import AuditCore
import BlockAccess
import SourceInventory
import XCTest

final class MappingCheckTests: XCTestCase {
    private let inventory = Inventory(
        vm: VMIdentity(name: "pgtest1", format: "manifest"),
        disks: [SourceDisk(key: "2000", label: "Hard disk 1", capacityBytes: Seed.disk2000Bytes),
                SourceDisk(key: "2001", label: "Hard disk 2", capacityBytes: Seed.disk2001Bytes)])

    func testTheSeedsCorrectMappingHasNoFindings() throws {
        let assignments = try TargetMapping.parse(nbdTargets: "2000:\(TargetMappingTests.vol2000),2001:\(TargetMappingTests.vol2001)")
        XCTAssertEqual(MappingCheck.findings(inventory: inventory, assignments: assignments, role: "target"), [])
    }

    func testBothKeysOnOneTargetIsDuplicateTarget() throws {
        let assignments = try TargetMapping.parse(nbdTargets: "2000:\(TargetMappingTests.vol2001),2001:\(TargetMappingTests.vol2001)")
        let findings = MappingCheck.findings(inventory: inventory, assignments: assignments, role: "target")
        XCTAssertEqual(findings.map(\.code), ["duplicate-target"])
        let finding = try XCTUnwrap(findings.first)
        XCTAssertEqual(finding.severity, .critical)
        XCTAssertEqual(finding.evidence["keys"], ["2000", "2001"])
        XCTAssertEqual(finding.evidence["identity"], "nbd:10.0.0.5:10809/vol-ec4b3a8d-6a2f-4b7e-8c1d-3f5e9a0b2c4d")
        XCTAssertTrue(finding.message.contains("disks 2000 and 2001"), finding.message)
        XCTAssertTrue(finding.message.contains("same target"), finding.message)
    }

    func testTwoSpellingsOfOneExportAreADuplicate() throws {
        let assignments = try TargetMapping.parse(keyEquals: [
            "2000=nbd://LOCALHOST/vol-1", "2001=nbds://127.0.0.1:10809/vol%2D1?tls-psk-file=/k.psk",
        ])
        let findings = MappingCheck.findings(inventory: inventory, assignments: assignments, role: "source")
        XCTAssertEqual(findings.map(\.code), ["duplicate-target"])
        XCTAssertTrue(findings[0].message.contains("disks 2000 and 2001 are both mapped to the same source nbd://LOCALHOST/vol-1 (also spelled nbds://127.0.0.1:10809/vol%2D1"), findings[0].message)
        XCTAssertTrue(findings[0].message.contains("the same export: nbd:localhost:10809/vol-1)"), findings[0].message)
        let targets = findings[0].evidence["targets"].flatMap { value -> [String]? in
            if case .array(let items) = value { return items.compactMap(\.stringValue) }
            return nil
        }
        XCTAssertEqual(targets?.count, 2)
        XCTAssertFalse(targets?.joined().contains("/k.psk") ?? true, "targets are redacted")
    }

    func testUnixSocketSpellingsAreADuplicate() throws {
        let assignments = try TargetMapping.parse(nbdTargets: "2000:nbd+unix:///e?socket=/run/x/../nbd.sock,2001:nbd+unix:///e?socket=/run/nbd.sock")
        XCTAssertEqual(MappingCheck.findings(inventory: inventory, assignments: assignments, role: "target").map(\.code), ["duplicate-target"])
    }

    func testDifferentPortsOrExportsAreNotDuplicates() throws {
        let assignments = try TargetMapping.parse(nbdTargets: "2000:nbd://h:10809/vol,2001:nbd://h:10810/vol")
        XCTAssertEqual(MappingCheck.findings(inventory: inventory, assignments: assignments, role: "target"), [])
    }

    func testUnmappedAndUnknownDisks() throws {
        let assignments = try TargetMapping.parse(nbdTargets: "2000:\(TargetMappingTests.vol2000),2002:\(TargetMappingTests.vol2001)")
        let findings = MappingCheck.findings(inventory: inventory, assignments: assignments, role: "target")
        XCTAssertEqual(findings.map(\.code), ["unmapped-disk", "unknown-disk"])
        XCTAssertEqual(findings.map(\.severity), [.error, .error])
        XCTAssertEqual(findings[0].evidence["key"], "2001")
        XCTAssertEqual(findings[0].evidence["capacityBytes"], .number(Seed.disk2001Bytes))
        XCTAssertTrue(findings[0].message.contains("disk 2001 (Hard disk 2) of 10 GiB has no target"), findings[0].message)
        XCTAssertEqual(findings[1].evidence["key"], "2002")
        XCTAssertEqual(findings[1].evidence["inventoryKeys"], ["2000", "2001"])
    }
}

/// `Target.identity` spellings that must meet (BlockAccess owns the type; the mapping
/// check depends on it).
final class TargetIdentityTests: XCTestCase {
    private func identity(_ text: String) throws -> String { try Target(parsing: text).identity }

    func testIPv6SpellingsMeet() throws {
        XCTAssertEqual(try identity("nbd://[0:0:0:0:0:0:0:1]/e"), try identity("nbd://localhost:10809/e"))
        XCTAssertEqual(try identity("nbd://[FE80::0001]:10809/e"), try identity("nbd://[fe80::1]/e"))
    }

    func testHostSpellingsMeet() throws {
        XCTAssertEqual(try identity("nbd://Storage.Example.COM./vol-1"), try identity("nbd://storage.example.com:10809/vol-1"))
        XCTAssertEqual(try identity("nbds://alice@10.0.0.5/vol-1?tls-psk-file=/k"), try identity("nbd://10.0.0.5:10809/vol-1"))
        XCTAssertNotEqual(try identity("nbd://10.0.0.5/vol-1"), try identity("nbd://10.0.0.6/vol-1"))
        XCTAssertNotEqual(try identity("nbd://10.0.0.5/vol-1"), try identity("nbd://10.0.0.5/Vol-1"), "export names are case-sensitive")
    }

    func testFileSpellingsMeet() throws {
        let files = try ScratchFiles()
        let image = try files.write("disk.img", "x")
        let link = files.directory.appendingPathComponent("link.img").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: image)
        XCTAssertEqual(try identity(link), try identity(files.directory.path + "/./sub/../disk.img"))
    }
}
