import AuditCore
import BlockAccess
import Foundation
import SourceInventory
import TestSupport
import XCTest

/// Issue 21, item 5: a target that is the same volume as a source — by any spelling the
/// duplicate-target check recognises, or the same file or block device under another path.
final class TargetIsSourceTests: XCTestCase {
    func testATargetThatIsItsOwnSourceInAnotherSpelling() throws {
        let targets = try TargetMapping.parse(nbdTargets: "2002:nbd://LOCALHOST/vol-2,2003:nbd://10.0.0.5/vol-3")
        let sources = try TargetMapping.parse(nbdTargets: "2002:nbd://127.0.0.1:10809/vol%2D2,2003:nbd://10.0.0.5/src-3")
        let findings = MappingCheck.targetsThatAreSources(targets: targets, sources: sources)
        XCTAssertEqual(findings.map(\.code), ["target-is-source"])
        XCTAssertEqual(findings[0].severity, .critical)
        XCTAssertEqual(findings[0].evidence["targetKey"], "2002")
        XCTAssertEqual(findings[0].evidence["sourceKey"], "2002")
        XCTAssertTrue(findings[0].message.contains("is also its source nbd://127.0.0.1:10809/vol%2D2"), findings[0].message)
        XCTAssertTrue(findings[0].message.contains("never read disk 2002's replicated volume"), findings[0].message)
    }

    func testATargetThatIsAnotherDisksSourceIsNamedAsSuch() throws {
        let targets = try TargetMapping.parse(nbdTargets: "2002:nbd+unix:///x?socket=/run/a.sock,2003:nbd://h/vol-3")
        let sources = try TargetMapping.parse(nbdTargets: "2002:nbd://h/src-2,2003:nbd+unix:///x?socket=/run/./a.sock")
        let findings = MappingCheck.targetsThatAreSources(targets: targets, sources: sources)
        XCTAssertEqual(findings.count, 1)
        XCTAssertTrue(findings[0].message.contains("the target of disk 2002"), findings[0].message)
        XCTAssertTrue(findings[0].message.contains("is the source of disk 2003"), findings[0].message)
        XCTAssertEqual(MappingCheck.targetsThatAreSources(targets: targets, sources: []), [])
    }

    func testFilesBySymlinkAndHardLinkAndDevicesByNumber() throws {
        let dir = try TemporaryDirectory.make(prefix: "tis")
        defer { try? FileManager.default.removeItem(at: dir) }
        let image = dir.appendingPathComponent("disk.img").path
        XCTAssertTrue(FileManager.default.createFile(atPath: image, contents: Data(count: 4096)))
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("link.img").path, withDestinationPath: image)
        try FileManager.default.linkItem(atPath: image, toPath: dir.appendingPathComponent("hard.img").path)
        XCTAssertTrue(FileManager.default.createFile(atPath: dir.appendingPathComponent("other.img").path, contents: Data(count: 4096)))
        let target = Target.file(path: image)
        XCTAssertTrue(MappingCheck.sameVolume(target, .file(path: dir.appendingPathComponent("link.img").path)))
        XCTAssertTrue(MappingCheck.sameVolume(target, .file(path: dir.appendingPathComponent("hard.img").path)))
        XCTAssertFalse(MappingCheck.sameVolume(target, .file(path: dir.appendingPathComponent("other.img").path)))
        // Two device nodes of one block device (as /dev/sdb and a node made elsewhere).
        let a = dir.appendingPathComponent("blk-a").path, b = dir.appendingPathComponent("blk-b").path
        let c = dir.appendingPathComponent("blk-c").path
        try Tools.run("mknod", [a, "b", "7", "200"])
        try Tools.run("mknod", [b, "b", "7", "200"])
        try Tools.run("mknod", [c, "b", "7", "201"])
        XCTAssertTrue(MappingCheck.sameVolume(.file(path: a), .file(path: b)))
        XCTAssertFalse(MappingCheck.sameVolume(.file(path: a), .file(path: c)))
        let findings = MappingCheck.targetsThatAreSources(
            targets: [TargetAssignment(key: "2002", text: a, target: .file(path: a))],
            sources: [TargetAssignment(key: "2002", text: b, target: .file(path: b))])
        XCTAssertEqual(findings.map(\.code), ["target-is-source"])
    }
}
