import Foundation
import TestSupport
import XCTest

/// Signatures libblkid finds only by following a pointer far from a volume's head and tail
/// (issue 20, `Fixtures/make-corpus-cases.sh`): NTFS with its MFT where Windows puts it,
/// FAT32 whose label lives in the root directory. `inspect` must agree with the system's own
/// `blkid -p` on the image itself, and say `probe-incomplete` where the pointer leads
/// outside the volume.
final class CorpusReachTests: XCTestCase {
    nonisolated(unsafe) static var cases: FixtureDirectory?

    override class func setUp() {
        super.setUp()
        cases = try? FixtureDirectory.build("make-corpus-cases.sh")
    }

    override class func tearDown() {
        cases?.remove()
        super.tearDown()
    }

    private func image(_ name: String) throws -> String {
        try XCTUnwrap(Self.cases, "Fixtures/make-corpus-cases.sh failed").image(name)
    }

    private func inspect(_ target: String) throws -> [String: Any] {
        let run = try Repository.runTool(["inspect", target, "--format", "json"])
        XCTAssertEqual(run.status, 0, run.stderr)
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], run.stdout)
    }

    /// `blkid -p -o export` of a file (optionally of a window of it).
    private func systemBlkid(_ path: String, offset: UInt64? = nil, size: UInt64? = nil) throws -> [String: String] {
        var args = ["-p", "-o", "export"]
        if let offset { args += ["--offset", String(offset)] }
        if let size { args += ["--size", String(size)] }
        let out = try Tools.run("blkid", args + [path], check: false).stdout
        var values: [String: String] = [:]
        for line in out.split(separator: "\n") {
            let kv = line.split(separator: "=", maxSplits: 1).map(String.init)
            if kv.count == 2 { values[kv[0]] = kv[1] }
        }
        return values
    }

    private func assertSame(_ fs: [String: Any]?, _ reference: [String: String], _ what: String) {
        XCTAssertNotNil(reference["TYPE"], "\(what): the system's blkid must identify it (fixture broken?)")
        XCTAssertEqual(fs?["type"] as? String, reference["TYPE"], what)
        XCTAssertEqual(fs?["uuid"] as? String, reference["UUID"], what)
        XCTAssertEqual(fs?["label"] as? String, reference["LABEL"], what)
    }

    private func codes(_ doc: [String: Any]) -> [String] {
        (doc["findings"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
    }

    func testNTFSWithItsMFTFarFromTheStartIsIdentifiedOnTheWholeDisk() throws {
        let path = try image("ntfs-far-mft")
        let doc = try inspect(path)
        let fs = doc["filesystem"] as? [String: Any]
        assertSame(fs, try systemBlkid(path), "whole-disk NTFS")
        XCTAssertEqual(fs?["label"] as? String, "WinData")
        XCTAssertTrue(doc["partitionTable"] is NSNull, "an NTFS boot sector is no DOS label")
        XCTAssertFalse(codes(doc).contains("probe-incomplete"))
        let purposes = (doc["regionsRead"] as? [[String: Any]] ?? []).compactMap { $0["purpose"] as? String }
        XCTAssertTrue(purposes.contains { $0.contains("ntfs mft") }, "\(purposes)")
    }

    func testNTFSPartitionWithItsMFTFarAwayIsIdentifiedOverNBD() throws {
        let path = try image("gpt-ntfs-far-mft")
        let server = try NBDKitServer(plugin: "file", args: ["file=\(path)"], logRequests: true)
        let doc = try inspect(server.uri())
        let partitions = try XCTUnwrap(doc["partitions"] as? [[String: Any]])
        XCTAssertEqual(partitions.count, 1)
        assertSame(partitions.first?["filesystem"] as? [String: Any],
                   try systemBlkid(path, offset: 1 << 20, size: 2 << 30), "NTFS in GPT partition 1")
        XCTAssertEqual(codes(doc).filter { $0 != "label-size-differs-from-device" }, [])
        server.stop()
        XCTAssertEqual(Set(try server.requestCounts().keys).subtracting(["Read", "Extents"]), [], "read-only")
    }

    func testFAT32LabelFromTheRootDirectoryAsTheSystemBlkidReadsIt() throws {
        let path = try image("fat32-superfloppy")
        let doc = try inspect(path)
        let reference = try systemBlkid(path)
        XCTAssertEqual(reference["LABEL"], "SUPERFLOPPY")
        XCTAssertEqual(reference["LABEL_FATBOOT"], "BOOTLABEL")
        assertSame(doc["filesystem"] as? [String: Any], reference, "FAT32 superfloppy")
        // A FAT boot sector is no partition table: said as info, no error, no table.
        XCTAssertTrue(doc["partitionTable"] is NSNull)
        let finding = (doc["findings"] as? [[String: Any]] ?? []).first { $0["code"] as? String == "partition-readers-disagree" }
        XCTAssertEqual(finding?["severity"] as? String, "info")
    }

    func testProbeIncompleteWhenThePointerLeadsOutsideTheVolume() throws {
        let path = try image("ntfs-lost-mft")
        let doc = try inspect(path)
        XCTAssertTrue(doc["filesystem"] is NSNull, "libblkid cannot identify an NTFS volume whose MFT it cannot read")
        let findings = doc["findings"] as? [[String: Any]] ?? []
        let incomplete = try XCTUnwrap(findings.first { $0["code"] as? String == "probe-incomplete" }, "\(findings)")
        XCTAssertEqual(incomplete["severity"] as? String, "info")
        XCTAssertEqual((incomplete["evidence"] as? [String: Any])?["prober"] as? String, "ntfs")
        XCTAssertEqual((incomplete["evidence"] as? [String: Any])?["place"] as? String, "whole disk")
        XCTAssertFalse(findings.contains { ["error", "critical"].contains($0["severity"] as? String) }, "\(findings)")
    }

    /// A 0-byte partition is not probed as if it ran to the end of the device: before, the
    /// GPT entry that starts where partition 2's ext4 starts "held" that filesystem too.
    func testZeroBytePartitionHoldsNoSignatureAndOverlapsNothing() throws {
        let doc = try inspect(try image("gpt-zero-length"))
        let partitions = try XCTUnwrap(doc["partitions"] as? [[String: Any]])
        XCTAssertEqual(partitions.map { $0["number"] as? Int }, [1, 2])
        XCTAssertEqual((partitions[0]["sizeBytes"] as? NSNumber)?.uint64Value, 0)
        XCTAssertTrue(partitions[0]["filesystem"] is NSNull, "\(partitions[0])")
        XCTAssertEqual((partitions[1]["filesystem"] as? [String: Any])?["uuid"] as? String, "20202020-0000-4000-8000-000000000002")
        XCTAssertFalse(codes(doc).contains("partitions-overlap"), "\(codes(doc))")
    }
}
