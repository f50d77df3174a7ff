import BlockAccess
@testable import DiskProbe
import Foundation
import TestSupport
import XCTest

/// The acceptance on the seed incident: the contaminated 115 GiB volume of disk 2000
/// carrying disk 2001's GPT, read over a real nbdkit and as a local file.
final class SeedIncidentTests: XCTestCase {
    nonisolated(unsafe) static var seed: FixtureDirectory?

    override class func setUp() {
        super.setUp()
        seed = try? FixtureDirectory.build("make-seed.sh")
    }

    override class func tearDown() {
        seed?.remove()
        super.tearDown()
    }

    private func contaminatedImage() throws -> String {
        let seed = try XCTUnwrap(Self.seed, "Fixtures/make-seed.sh failed")
        return seed.image("vol2000-contaminated")
    }

    func testContaminatedVolumeOverNBDUnix() throws {
        let server = try NBDKitServer(plugin: "file", args: ["file=\(try contaminatedImage())"])
        let r = try probe(server.uri())
        XCTAssertEqual(r.sizeBytes, 123_480_309_760)
        XCTAssertEqual(r.sectorSize, 512)
        XCTAssertEqual(r.partitionTable?.type, "gpt")
        XCTAssertEqual(r.partitionTable?.diskId, "2001BBBB-0000-4000-8000-000000002001")
        XCTAssertEqual(r.partitionTable?.gpt?.alternateLBA, 20_971_519)
        XCTAssertEqual(r.partitionTable?.gpt?.lastUsableLBA, 20_971_486)
        XCTAssertEqual(r.partitionTable?.impliedDiskBytes, 10_737_418_240)
        XCTAssertEqual(r.partitionTable?.impliedSizeCheck?.consistent, true)
        XCTAssertEqual(r.partitionTable?.impliedSizeCheck?.fromProtectiveMBR, 10_737_418_240)
        // libfdisk's own label items agree with the raw primary header.
        XCTAssertEqual(r.partitionTable?.gpt?.libfdiskItems["ALTLBA"], 20_971_519)
        XCTAssertEqual(r.partitionTable?.gpt?.libfdiskItems["LASTLBA"], 20_971_486)
        XCTAssertEqual(r.partitionTable?.warnings.contains("The backup GPT table is not on the end of the device."), true)

        // Disk 2001's two partitions, its ext4 and swap.
        XCTAssertEqual(r.partitions.map(\.number), [1, 2])
        XCTAssertEqual(r.partitions.map(\.uuid), ["2001BBBB-0001-4000-8000-000000002001", "2001BBBB-0002-4000-8000-000000002001"])
        XCTAssertEqual(r.partitions[0].startBytes, 2048 * 512)
        XCTAssertEqual(r.partitions[0].sizeBytes, 8 << 30)
        XCTAssertEqual(r.partitions[0].name, "pgdata")
        XCTAssertEqual(r.partitions[0].filesystem?.type, "ext4")
        XCTAssertEqual(r.partitions[0].filesystem?.uuid, "20010001-da7a-4e00-8000-000000002001")
        XCTAssertEqual(r.partitions[0].filesystem?.label, "pgdata")
        XCTAssertEqual(r.partitions[1].filesystem?.type, "swap")
        XCTAssertNil(r.filesystem)
        // libblkid's own parser lists the same two partitions.
        XCTAssertEqual(r.partitionTableSignature?.type, "gpt")
        XCTAssertEqual(r.partitionTableSignature?.uuid, "2001bbbb-0000-4000-8000-000000002001")
        XCTAssertEqual(r.partitionTableSignature?.partitions.map(\.startBytes), r.partitions.map(\.startBytes))
        XCTAssertEqual(r.partitionTableSignature?.partitions.map(\.uuid), ["2001bbbb-0001-4000-8000-000000002001", "2001bbbb-0002-4000-8000-000000002001"])
        XCTAssertEqual(r.partitionTable?.decodedBy, "libfdisk")

        // Disk 2000's own GPT header still at the device's end, with its different GUID.
        let end = try XCTUnwrap(r.witnesses.endGPT)
        XCTAssertEqual(end.lba, 241_172_479)
        XCTAssertEqual(end.diskGUID, "2000AAAA-0000-4000-8000-000000002000")
        XCTAssertTrue(end.headerCRCValid)
        XCTAssertEqual(end.entriesCRCValid, true)
        XCTAssertEqual(r.witnesses.primaryGPT?.diskGUID, "2001BBBB-0000-4000-8000-000000002001")
        XCTAssertEqual(r.witnesses.backupGPT?.lba, 20_971_519)
        XCTAssertEqual(r.witnesses.mbr?.protectiveSizeLBA, 20_971_519)

        let stale = try XCTUnwrap(r.findings.first { $0.code == "stale-label-at-end" })
        XCTAssertEqual(stale.severity, .warning)
        XCTAssertEqual(stale.evidence["endDiskGUID"], "2000AAAA-0000-4000-8000-000000002000")
        XCTAssertEqual(stale.evidence["labelDiskGUID"], "2001BBBB-0000-4000-8000-000000002001")
        let size = try XCTUnwrap(r.findings.first { $0.code == "label-size-differs-from-device" })
        XCTAssertEqual(size.severity, .info)
        XCTAssertFalse(codes(r).contains("gpt-crc-invalid"))
        XCTAssertFalse(codes(r).contains("gpt-backup-misplaced"))
        XCTAssertTrue(r.unreadableRegions.isEmpty)
    }

    func testSameResultAsFileAndAsNBDExport() throws {
        let image = try contaminatedImage()
        let server = try NBDKitServer(plugin: "file", args: ["file=\(image)"])
        var overNBD = try probe(server.uri())
        var asFile = try probe(image)
        XCTAssertNotEqual(overNBD.target, asFile.target)
        overNBD.target = ""
        asFile.target = ""
        XCTAssertEqual(try canonicalJSON(overNBD), try canonicalJSON(asFile))
    }

    func testRegionsReadCiteTheWitnessBytes() throws {
        let image = try contaminatedImage()
        let r = try probe(image)
        // Every witness header's hash is the hash of the sector really on disk.
        let handle = try XCTUnwrap(FileHandle(forReadingAtPath: image))
        defer { try? handle.close() }
        for w in [r.witnesses.primaryGPT, r.witnesses.backupGPT, r.witnesses.endGPT].compactMap({ $0 }) {
            try handle.seek(toOffset: w.lba * 512)
            let sector = [UInt8](try XCTUnwrap(handle.read(upToCount: 512)))
            XCTAssertEqual(w.sha256, RegionCopier.sha256(sector), "header at LBA \(w.lba)")
        }
        // Every region's hash is the hash of the bytes in the image, zero runs included.
        for region in r.regionsRead {
            try handle.seek(toOffset: region.offset)
            let bytes = [UInt8](try XCTUnwrap(handle.read(upToCount: Int(region.length))))
            XCTAssertEqual(region.sha256, RegionCopier.sha256(bytes), "\(region.purpose) at \(region.offset)")
        }
        XCTAssertTrue(r.regionsRead.contains { $0.offset == 20_971_519 * 512 && $0.purpose.contains("gpt-backup header") })
        XCTAssertTrue(r.regionsRead.contains { $0.purpose.contains("partition 1 head") })
        // Only a few MiB of 115 GiB are read.
        XCTAssertLessThan(r.regionsRead.reduce(0) { $0 + $1.length }, 16 << 20)
    }

    func testNBDServerSeesOnlyReadsDuringProbe() throws {
        let server = try NBDKitServer(plugin: "file", args: ["file=\(try contaminatedImage())"], logRequests: true)
        let r = try probe(server.uri())
        XCTAssertEqual(r.partitionTable?.type, "gpt")
        server.stop()
        let counts = try server.requestCounts()
        XCTAssertGreaterThan(counts["Read", default: 0], 0)
        let allowed: Set<String> = ["Read", "Extents"]  // nbdkit logs block status as "Extents"
        XCTAssertEqual(Set(counts.keys).subtracting(allowed), [], "requests seen: \(counts)")
    }

    func testSourceDiskHasNoFindingsButItsOwnLabel() throws {
        let seed = try XCTUnwrap(Self.seed)
        let r = try probe(seed.image("disk2000"))
        XCTAssertEqual(r.partitionTable?.diskId, "2000AAAA-0000-4000-8000-000000002000")
        XCTAssertEqual(r.partitionTable?.impliedDiskBytes, 123_480_309_760)
        XCTAssertEqual(r.partitions.count, 3)
        XCTAssertEqual(r.partitions[0].filesystem?.type, "vfat")
        XCTAssertEqual(r.partitions[2].filesystem?.uuid, "20000003-7007-4e00-8000-000000002000")
        XCTAssertEqual(r.findings, [])
        XCTAssertEqual(r.witnesses.endGPT, r.witnesses.backupGPT)
    }
}
