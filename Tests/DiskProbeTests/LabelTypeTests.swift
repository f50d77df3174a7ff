import BlockAccess
import DiskProbe
import Foundation
import TestSupport
import XCTest

/// DOS with extended and logical partitions, a whole-disk filesystem, an all-zero disk and a
/// GPT with 4096-byte sectors, read over a real nbdkit and checked against sfdisk and blkid.
final class LabelTypeTests: XCTestCase {
    nonisolated(unsafe) static var cases: FixtureDirectory?

    override class func setUp() {
        super.setUp()
        cases = try? FixtureDirectory.build("make-probe-cases.sh", ["dos-extended", "whole-disk-fs", "all-zero", "gpt-4k"])
    }

    override class func tearDown() {
        cases?.remove()
        super.tearDown()
    }

    private func image(_ name: String) throws -> String {
        try XCTUnwrap(Self.cases, "Fixtures/make-probe-cases.sh failed").image(name)
    }

    private struct SfdiskDump: Decodable {
        struct Table: Decodable {
            var label: String
            var id: String
            var partitions: [Entry]
        }
        struct Entry: Decodable {
            var node: String
            var start: UInt64
            var size: UInt64
            var type: String
            var bootable: Bool?
        }
        var partitiontable: Table
    }

    /// blkid's low-level probe of a byte range of an image, as NAME → value.
    private func blkid(_ image: String, offset: UInt64 = 0, size: UInt64? = nil) throws -> [String: String] {
        var args = ["-p", "-o", "export", "-O", String(offset)]
        if let size { args += ["-S", String(size)] }
        let out = try Tools.run(try Tools.require("blkid"), args + [image], check: false).stdout
        var values: [String: String] = [:]
        for line in out.split(separator: "\n") {
            let kv = line.split(separator: "=", maxSplits: 1)
            if kv.count == 2 { values[String(kv[0])] = String(kv[1]) }
        }
        return values
    }

    func testDOSWithExtendedAndLogicalPartitionsMatchesSfdisk() throws {
        let img = try image("dos-extended")
        let server = try NBDKitServer(plugin: "file", args: ["file=\(img)"])
        let r = try probe(server.uri())
        let dump = try JSONDecoder().decode(SfdiskDump.self, from: Data(try Tools.run("sfdisk", ["-J", img]).stdout.utf8))

        XCTAssertEqual(r.partitionTable?.type, "dos")
        XCTAssertEqual(r.partitionTable?.diskId, dump.partitiontable.id)
        XCTAssertNil(r.partitionTable?.impliedDiskBytes)
        XCTAssertNil(r.partitionTable?.gpt)
        XCTAssertEqual(r.partitions.map(\.number), [1, 2, 3, 5, 6])
        XCTAssertEqual(r.partitions.map(\.kind), ["primary", "primary", "extended", "logical", "logical"])
        XCTAssertEqual(r.partitions.count, dump.partitiontable.partitions.count)
        for (mine, theirs) in zip(r.partitions, dump.partitiontable.partitions) {
            XCTAssertTrue(theirs.node.hasSuffix(String(mine.number)), "\(theirs.node) vs \(mine.number)")
            XCTAssertEqual(mine.startLBA, theirs.start)
            XCTAssertEqual(mine.sizeBytes, theirs.size * 512)
            XCTAssertEqual(UInt8(mine.type.dropFirst(2), radix: 16), UInt8(theirs.type, radix: 16), "\(mine.type) vs \(theirs.type)")
            XCTAssertEqual(mine.bootable, theirs.bootable ?? false)
        }
        XCTAssertEqual(r.partitions[0].uuid, "20260001-01")
        XCTAssertEqual(r.partitions[3].uuid, "20260001-05")
        XCTAssertEqual(r.partitionTable?.impliedMinimumDiskBytes, (51200 + 79872) * 512)
        XCTAssertEqual(r.witnesses.extendedBootRecordLBAs.first, 51200)
        XCTAssertEqual(r.witnesses.extendedBootRecordLBAs.count, 2)
        XCTAssertEqual(r.witnesses.extendedChainEnding, "end")
        XCTAssertEqual(r.witnesses.mbr?.diskSignature, "0x20260001")

        // Signatures inside primary and logical partitions, as blkid sees them.
        for (index, expectedUUID) in [(0, "d05e0001-0000-4000-8000-000000000001"), (3, "d05e0005-0000-4000-8000-000000000005"), (4, "D05E-0006")] {
            let p = r.partitions[index]
            let oracle = try blkid(img, offset: p.startBytes, size: p.sizeBytes)
            XCTAssertEqual(p.filesystem?.uuid, expectedUUID)
            XCTAssertEqual(p.filesystem?.uuid, oracle["UUID"])
            XCTAssertEqual(p.filesystem?.type, oracle["TYPE"])
            XCTAssertEqual(p.filesystem?.label, oracle["LABEL"])
        }
        XCTAssertEqual(r.partitionTableSignature?.type, "dos")
        XCTAssertEqual(r.findings, [])
    }

    func testWholeDiskFilesystemWithoutPartitionTable() throws {
        let img = try image("whole-disk-fs")
        let server = try NBDKitServer(plugin: "file", args: ["file=\(img)"])
        let r = try probe(server.uri())
        let oracle = try blkid(img)
        XCTAssertNil(r.partitionTable)
        XCTAssertEqual(r.partitions, [])
        XCTAssertEqual(r.filesystem?.type, "ext4")
        XCTAssertEqual(r.filesystem?.uuid, "3a1e0000-0000-4000-8000-00000000a11d")
        XCTAssertEqual(r.filesystem?.label, "wholedisk")
        XCTAssertEqual(r.filesystem?.uuid, oracle["UUID"])
        XCTAssertEqual(r.filesystem?.usage, "filesystem")
        XCTAssertNil(r.witnesses.primaryGPT)
        XCTAssertEqual(r.findings, [])
    }

    func testAllZeroDiskHasNoLabel() throws {
        let server = try NBDKitServer(plugin: "file", args: ["file=\(try image("all-zero"))"])
        let r = try probe(server.uri())
        XCTAssertEqual(r.sizeBytes, 16 << 20)
        XCTAssertNil(r.partitionTable)
        XCTAssertNil(r.filesystem)
        XCTAssertNil(r.partitionTableSignature)
        XCTAssertEqual(r.partitions, [])
        XCTAssertEqual(r.witnesses, Witnesses())
        // Issue 9.3: an all-zero volume is no longer passed without a word.
        XCTAssertEqual(r.findings.map(\.code), ["volume-blank"])
        XCTAssertEqual(r.findings.first?.severity, .warning)
        XCTAssertEqual(r.dataExtent?.holdsData, false)
        XCTAssertFalse(r.regionsRead.isEmpty)
        let json = try canonicalJSON(r)
        XCTAssertTrue(json.contains("\"partitionTable\" : null"), json)
        XCTAssertTrue(json.contains("\"filesystem\" : null"), json)
    }

    /// 4096-byte logical sectors: the NBD server announces a 4096-byte minimum block size
    /// (nbdkit's blocksize-policy filter), so the probe picks it up without an override.
    func testGPTWith4096ByteSectorsOverNBD() throws {
        let img = try image("gpt-4k")
        let server = try NBDKitServer(plugin: "file", args: ["file=\(img)", "blocksize-minimum=4096"],
                                      filters: ["blocksize-policy"])
        let r = try probe(server.uri())
        XCTAssertEqual(r.sectorSize, 4096)
        try check4K(r, image: img)
    }

    func testGPTWith4096ByteSectorsAsFileWithOverride() throws {
        let img = try image("gpt-4k")
        let r = try probe(img, options: VolumeOptions(sectorSize: 4096))
        try check4K(r, image: img)
        // Issue 9: without the override the label's own sector size is detected; forced to
        // 512-byte sectors the same image has no GPT at LBA 1, which is reported as critical.
        let detected = try probe(img)
        XCTAssertEqual(detected.sectorSize, 4096)
        XCTAssertEqual(detected.partitions.map(\.startLBA), [256, 4352])
        XCTAssertEqual(codes(detected), ["label-sector-size-mismatch"])
        let wrong = try probe(img, options: VolumeOptions(sectorSize: 512))
        XCTAssertNil(wrong.witnesses.primaryGPT)
        XCTAssertNotEqual(wrong.partitionTable?.type, "gpt")
        XCTAssertEqual(wrong.findings.first { $0.code == "label-sector-size-mismatch" }?.severity, .critical)
    }

    private func check4K(_ r: ProbeResult, image: String) throws {
        XCTAssertEqual(r.partitionTable?.type, "gpt")
        XCTAssertEqual(r.partitionTable?.diskId, "4096AAAA-0000-4000-8000-000000004096")
        let gpt = try XCTUnwrap(r.partitionTable?.gpt)
        XCTAssertEqual(gpt.alternateLBA, 16383)  // 64 MiB / 4096 - 1
        XCTAssertEqual(gpt.firstUsableLBA, 6)
        XCTAssertEqual(gpt.lastUsableLBA, 16383 - 5)  // 4 entry sectors + header
        XCTAssertEqual(r.partitionTable?.impliedDiskBytes, 64 << 20)
        XCTAssertEqual(r.partitionTable?.impliedSizeCheck?.consistent, true)
        XCTAssertEqual(r.partitions.map(\.startLBA), [256, 4352])
        XCTAssertEqual(r.partitions.map(\.endLBA), [4351, 12543])
        XCTAssertEqual(r.partitions.map(\.startBytes), [256 * 4096, 4352 * 4096])
        XCTAssertEqual(r.partitions[0].filesystem?.uuid, "40960001-0e04-4e00-8000-000000004096")
        XCTAssertEqual(r.witnesses.primaryGPT?.lba, 1)
        XCTAssertEqual(r.witnesses.backupGPT?.lba, 16383)
        XCTAssertEqual(r.findings, [])
        let fdiskList = try Tools.run("fdisk", ["-b", "4096", "-l", image]).stdout
        XCTAssertTrue(fdiskList.contains("256  4351    4096"), fdiskList)
    }
}
