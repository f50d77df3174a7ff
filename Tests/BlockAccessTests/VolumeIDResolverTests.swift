import BlockAccess
import Foundation
import TestSupport
import XCTest

/// Issue 12: the link-name rules of `--volume` and what counts as one device.
final class VolumeIDResolverTests: XCTestCase {
    func testCandidateLinkNamesFollowTheContract() {
        let id = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
        XCTAssertEqual(VolumeIDResolver.candidateLinks(for: id), [
            "virtio-0a1b2c3d-4e5f-4a6b-8",
            "virtio-0a1b2c3d4e5f4a6b8c7d",
            "scsi-0QEMU_QEMU_HARDDISK_0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
            "scsi-0QEMU_QEMU_HARDDISK_0a1b2c3d-4e5f-4a6b-8",
            "wwn-0x0a1b2c3d4e5f4a6b8c7d9e0f1a2b3c4d",
            "nvme-Amazon_Elastic_Block_Store_0a1b2c3d4e5f4a6b8c7d9e0f1a2b3c4d",
        ])
        // A short ID without hyphens: the repeats collapse.
        XCTAssertEqual(VolumeIDResolver.candidateLinks(for: "vol0abc"),
                       ["virtio-vol0abc", "scsi-0QEMU_QEMU_HARDDISK_vol0abc", "wwn-0xvol0abc", "nvme-Amazon_Elastic_Block_Store_vol0abc"])
    }

    func testMalformedIDsAreRejected() {
        for bad in ["", " ", "../x", "a/b", "-x", ".hidden", "a b", "a*", "a\u{0}b", String(repeating: "a", count: 129)] {
            XCTAssertThrowsError(try VolumeIDResolver.validate(bad), bad)
        }
        for good in ["vol-0123456789abcdef0", "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "disk_1.2:3"] {
            XCTAssertNoThrow(try VolumeIDResolver.validate(good), good)
        }
    }

    func testPartitionLinkNames() {
        XCTAssertTrue(VolumeIDResolver.isPartitionLinkName("virtio-abc-part1"))
        XCTAssertTrue(VolumeIDResolver.isPartitionLinkName("wwn-0xabc-part12"))
        XCTAssertFalse(VolumeIDResolver.isPartitionLinkName("virtio-abc-part"))
        XCTAssertFalse(VolumeIDResolver.isPartitionLinkName("virtio-abc-partx"))
        XCTAssertFalse(VolumeIDResolver.isPartitionLinkName("virtio-abc"))
    }

    func testResolutionOverRealLinks() throws {
        let dir = try TemporaryDirectory.make(prefix: "byid")
        defer { try? FileManager.default.removeItem(at: dir) }
        let image = dir.appendingPathComponent("a.img").path
        try Data(count: 4096).write(to: URL(fileURLWithPath: image))
        let byId = dir.appendingPathComponent("by-id").path
        try FileManager.default.createDirectory(atPath: byId, withIntermediateDirectories: true)
        let fm = FileManager.default
        // Two link forms for one file: one device, found through the first form tried.
        try fm.createSymbolicLink(atPath: byId + "/virtio-abcd-1234", withDestinationPath: image)
        try fm.createSymbolicLink(atPath: byId + "/wwn-0xabcd1234", withDestinationPath: "../a.img")
        let found = try VolumeIDResolver.resolve(key: "2000", volumeID: "abcd-1234", directory: byId)
        XCTAssertEqual(found.status, .found)
        XCTAssertEqual(found.link, "virtio-abcd-1234")
        XCTAssertEqual(found.path, image)
        XCTAssertEqual(found.matches.count, 2)
        // A directory is not a volume; a dangling link and a loop are problems, not matches.
        try fm.createSymbolicLink(atPath: byId + "/virtio-dir", withDestinationPath: dir.path)
        try fm.createSymbolicLink(atPath: byId + "/virtio-gone", withDestinationPath: dir.path + "/gone.img")
        try fm.createSymbolicLink(atPath: byId + "/virtio-loop", withDestinationPath: byId + "/virtio-loop")
        for (id, word) in [("dir", "directory"), ("gone", "dangling"), ("loop", "loop")] {
            let r = try VolumeIDResolver.resolve(key: "2000", volumeID: id, directory: byId)
            XCTAssertEqual(r.status, .notFound, id)
            XCTAssertTrue(r.problems.joined().contains(word), "\(id): \(r.problems)")
        }
        XCTAssertThrowsError(try VolumeIDResolver.resolve(key: "2000", volumeID: "abcd", directory: dir.path + "/none"))
        XCTAssertThrowsError(try VolumeIDResolver.resolve(key: "2000", volumeID: "abcd", directory: image))
    }
}
