import AuditCore
import BlockAccess
import DiskProbe
import Foundation
import TestSupport
import XCTest

/// Issue 18.1: the head of a 40 GiB disk over a 12 GiB disk that had its own GPT. The
/// primary names a backup past the device end; libfdisk then reads the old header at the
/// device's end. The label reported is the primary's, every field says so, and libfdisk's
/// reading is kept beside it under the witness it came from.
final class HeaderProvenanceTests: XCTestCase {
    nonisolated(unsafe) static var cases: FixtureDirectory?

    override class func setUp() {
        super.setUp()
        cases = try? FixtureDirectory.build("make-probe-sectors.sh", ["bigger-head"])
    }

    override class func tearDown() {
        cases?.remove()
        super.tearDown()
    }

    private func probeOverNBD(_ name: String) throws -> ProbeResult {
        let img = try XCTUnwrap(Self.cases, "Fixtures/make-probe-sectors.sh failed").image(name)
        let server = try NBDKitServer(plugin: "file", args: ["file=\(img)"])
        return try probe(server.uri())
    }

    func testTheLabelIsThePrimarysAndLibfdisksReadingIsNamed() throws {
        let r = try probeOverNBD("bigger-head")
        XCTAssertEqual(r.sizeBytes, 12 << 30)
        let table = try XCTUnwrap(r.partitionTable)
        XCTAssertEqual(table.diskId, "40000000-0000-4000-8000-000000000040")
        XCTAssertEqual(table.headerSource, "primary")
        XCTAssertEqual(table.gpt?.source, "primary")
        XCTAssertEqual(table.fieldSources?["diskId"], "primary")
        XCTAssertEqual(table.fieldSources?["partitions"], "primary")
        XCTAssertEqual(table.decodedBy, "raw-gpt-entries")
        XCTAssertEqual(table.impliedDiskBytes, 40 << 30)
        XCTAssertEqual(r.partitions.map(\.uuid), ["40000001-0000-4000-8000-000000000040", "40000002-0000-4000-8000-000000000040"])
        XCTAssertEqual(r.partitions[1].startBytes + r.partitions[1].sizeBytes, (1 << 20) + (1 << 30) + (38 << 30))

        // What libfdisk read instead: the old 12 GiB label at the device end.
        let reading = try XCTUnwrap(table.libfdiskReading)
        XCTAssertEqual(reading.diskId, "DA7A0000-0000-4000-8000-000000000012")
        XCTAssertEqual(reading.headerSource, "header-at-device-end")
        XCTAssertEqual(reading.partitions.map(\.uuid), ["da7a0001-0000-4000-8000-000000000012"])
        XCTAssertEqual(r.witnesses.endGPT?.diskGUID, "DA7A0000-0000-4000-8000-000000000012")
        // libblkid falls back to the same old header; its reading is named as well.
        XCTAssertEqual(r.partitionTableSignature?.uuid, "da7a0000-0000-4000-8000-000000000012")
        XCTAssertEqual(r.partitionTableSignature?.headerSource, "header-at-device-end")

        // Rules use the primary: partition 2 runs 27 GiB past the end of the volume.
        let past = try XCTUnwrap(r.findings.first { $0.code == "partition-past-device-end" }, "\(codes(r))")
        XCTAssertEqual(past.severity, .critical)
        XCTAssertEqual(past.evidence["partition"], 2)
        // The root filesystem of partition 2 claims 38 GiB; only 11 GiB of it lies on the volume.
        let fs = try XCTUnwrap(r.findings.first { $0.code == "filesystem-larger-than-container" }, "\(codes(r))")
        XCTAssertEqual(fs.evidence["claimedBytes"], .number(38 << 30))
        XCTAssertEqual(fs.evidence["containerBytes"], .number((12 << 30) - r.partitions[1].startBytes))
        XCTAssertTrue(fs.message.contains("lies on the device"), fs.message)
        // The old header at the end is reported as a stale label of another disk.
        let stale = try XCTUnwrap(r.findings.first { $0.code == "stale-label-at-end" })
        XCTAssertEqual(stale.evidence["endDiskGUID"], "DA7A0000-0000-4000-8000-000000000012")
        XCTAssertEqual(stale.evidence["labelDiskGUID"], "40000000-0000-4000-8000-000000000040")
    }

    func testAnIntactDiskNamesThePrimaryAndLibfdiskAgrees() throws {
        for name in ["bigger-data", "bigger-root"] {
            let r = try probeOverNBD(name)
            XCTAssertEqual(r.partitionTable?.decodedBy, "libfdisk", name)
            XCTAssertEqual(r.partitionTable?.headerSource, "primary", name)
            XCTAssertNil(r.partitionTable?.libfdiskReading, name)
            XCTAssertEqual(r.partitionTableSignature?.headerSource, "primary", name)
            // bigger-data's partition was never written: its label alone is volume-label-only.
            XCTAssertEqual(codes(r), name == "bigger-data" ? ["volume-label-only"] : [], name)
        }
    }

    func testInspectJSONCarriesTheProvenance() throws {
        let img = try XCTUnwrap(Self.cases).image("bigger-head")
        let run = try Repository.runTool(["inspect", img, "--format", "json"])
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], run.stderr)
        let table = try XCTUnwrap(json["partitionTable"] as? [String: Any])
        XCTAssertEqual(table["diskId"] as? String, "40000000-0000-4000-8000-000000000040")
        XCTAssertEqual(table["headerSource"] as? String, "primary")
        let reading = try XCTUnwrap(table["libfdiskReading"] as? [String: Any])
        XCTAssertEqual(reading["headerSource"] as? String, "header-at-device-end")
        XCTAssertEqual(reading["diskId"] as? String, "DA7A0000-0000-4000-8000-000000000012")
    }
}
