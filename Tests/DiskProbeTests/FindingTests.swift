import BlockAccess
import DiskProbe
import Foundation
import TestSupport
import XCTest

/// Each finding that needs no inventory, on a real image served by a real nbdkit.
final class FindingTests: XCTestCase {
    nonisolated(unsafe) static var cases: FixtureDirectory?

    override class func setUp() {
        super.setUp()
        cases = try? FixtureDirectory.build("make-probe-cases.sh", [
            "gpt-bad-header", "gpt-bad-entries", "gpt-moved-backup", "gpt-mismatch", "gpt-grown", "gpt-truncated", "dos-overlap",
        ])
    }

    override class func tearDown() {
        cases?.remove()
        super.tearDown()
    }

    private func probeOverNBD(_ name: String) throws -> ProbeResult {
        let img = try XCTUnwrap(Self.cases, "Fixtures/make-probe-cases.sh failed").image(name)
        let server = try NBDKitServer(plugin: "file", args: ["file=\(img)"])
        return try probe(server.uri())
    }

    func testCorruptPrimaryHeaderIsReportedAndBackupUsed() throws {
        let r = try probeOverNBD("gpt-bad-header")
        XCTAssertEqual(codes(r), ["gpt-crc-invalid"])
        let f = r.findings[0]
        XCTAssertEqual(f.severity, .error)
        XCTAssertEqual(f.evidence["role"], "primary")
        XCTAssertNotEqual(f.evidence["storedHeaderCRC32"], f.evidence["computedHeaderCRC32"])
        XCTAssertEqual(r.witnesses.primaryGPT?.headerCRCValid, false)
        // libfdisk falls back to the backup; the label is still read.
        // Issue 18: the backup is named by where it sits, the LBA the primary names.
        XCTAssertEqual(r.partitionTable?.gpt?.source, "backup-at-claimed-location")
        XCTAssertEqual(r.partitionTable?.fieldSources?["diskId"], "backup-at-claimed-location")
        XCTAssertEqual(r.partitionTable?.diskId, "BAD0AAAA-0000-4000-8000-00000000BAD0")
        XCTAssertEqual(r.partitionTable?.impliedDiskBytes, 64 << 20)
        XCTAssertEqual(r.partitions.count, 2)
    }

    func testCorruptEntryArrayIsReported() throws {
        let r = try probeOverNBD("gpt-bad-entries")
        XCTAssertEqual(codes(r), ["gpt-crc-invalid"])
        XCTAssertEqual(r.witnesses.primaryGPT?.headerCRCValid, true)
        XCTAssertEqual(r.witnesses.primaryGPT?.entriesCRCValid, false)
        XCTAssertEqual(r.witnesses.backupGPT?.entriesCRCValid, true)
        // Issue 18: the label is the backup's, whose entry array holds (as the kernel and libfdisk read it).
        XCTAssertEqual(r.partitionTable?.headerSource, "backup-at-claimed-location")
        XCTAssertTrue(r.findings[0].message.contains("entry array CRC"))
    }

    func testBackupNotWhereThePrimaryClaims() throws {
        let r = try probeOverNBD("gpt-moved-backup")
        XCTAssertEqual(codes(r), ["gpt-backup-misplaced"])
        XCTAssertEqual(r.findings[0].severity, .warning)
        XCTAssertEqual(r.findings[0].evidence["alternateLBA"], .number(131_071))
        XCTAssertNil(r.witnesses.backupGPT)
        XCTAssertNil(r.witnesses.endGPT)
        XCTAssertEqual(r.partitionTable?.type, "gpt")
    }

    func testPrimaryAndBackupFromDifferentLabels() throws {
        let r = try probeOverNBD("gpt-mismatch")
        XCTAssertEqual(codes(r), ["gpt-header-mismatch"])
        guard case .object(let differences)? = r.findings[0].evidence["differences"] else {
            return XCTFail("no differences in \(r.findings[0].evidence)")
        }
        XCTAssertEqual(differences["diskGUID"], ["primary": "0DDBBBBB-0000-4000-8000-000000000DDB",
                                                "backup": "0DDAAAAA-0000-4000-8000-000000000DDA"])
    }

    func testGrownVolumeIsOnlyInformational() throws {
        let r = try probeOverNBD("gpt-grown")
        XCTAssertEqual(codes(r), ["label-size-differs-from-device"])
        XCTAssertEqual(r.findings[0].severity, .info)
        XCTAssertEqual(r.sizeBytes, 96 << 20)
        XCTAssertEqual(r.partitionTable?.impliedDiskBytes, 64 << 20)
        XCTAssertNil(r.witnesses.endGPT)
    }

    func testTruncatedVolumeHasPartitionPastTheEnd() throws {
        let r = try probeOverNBD("gpt-truncated")
        // libfdisk refuses a GPT larger than the device; the raw entries still give the layout.
        XCTAssertEqual(r.partitionTable?.type, "gpt")
        XCTAssertEqual(r.partitionTable?.decodedBy, "raw-gpt-entries")
        XCTAssertEqual(r.partitionTable?.diskId, "C070AAAA-0000-4000-8000-00000000C070")
        XCTAssertEqual(r.partitionTable?.impliedDiskBytes, 64 << 20)
        XCTAssertEqual(r.partitions.map(\.uuid), ["C070AAAA-0001-4000-8000-000000000001", "C070AAAA-0002-4000-8000-000000000002"])
        XCTAssertEqual(r.partitions[0].filesystem?.type, "ext4")
        XCTAssertEqual(r.partitions[0].typeName, "Linux filesystem")
        let past = r.findings.filter { $0.code == "partition-past-device-end" }
        XCTAssertEqual(past.count, 1)
        XCTAssertEqual(past.first?.severity, .critical)
        XCTAssertEqual(past.first?.evidence["partition"], .number(2))
        XCTAssertTrue(codes(r).contains("gpt-backup-misplaced"))
        XCTAssertTrue(codes(r).contains("label-size-differs-from-device"))
    }

    func testOverlappingPartitions() throws {
        let r = try probeOverNBD("dos-overlap")
        // Its partitions were never written: a label alone is also volume-label-only.
        XCTAssertEqual(codes(r), ["partitions-overlap", "volume-label-only"])
        XCTAssertEqual(r.findings[0].severity, .error)
        XCTAssertEqual(r.partitions.map(\.startLBA), [2048, 8192])
    }

    func testUnreadableVolumeGivesAnIncompleteResultNotACrash() throws {
        let img = try XCTUnwrap(Self.cases).image("gpt-grown")
        let server = try NBDKitServer(plugin: "file", args: ["file=\(img)", "error-pread=EIO", "error-pread-rate=100%"],
                                      filters: ["error"])
        let volume = try VolumeOpener.open(server.uri(), options: VolumeOptions(timeout: .seconds(5)))
        let r = try DiskProber.probe(volume)
        XCTAssertFalse(r.isComplete)
        // Block status still works, so all-zero extents count as read; LBA 0 holds data and does not.
        XCTAssertFalse(r.regionsRead.contains { $0.offset == 0 })
        XCTAssertTrue(r.unreadableRegions.contains { $0.offset == 0 })
        XCTAssertNil(r.partitionTable)
        XCTAssertTrue(codes(r).contains("unreadable-region"))
        XCTAssertTrue(r.unreadableRegions.allSatisfy { $0.error?.isEmpty == false })
    }
}
