import AuditCore
@testable import DiskProbe
import Foundation
import TestSupport
import XCTest

/// The probe's result types write their keys by hand (`encodeOrNull`, no reflection) for
/// speed (issue 17); their JSON must stay exactly what `NullEncoding` writes from the stored
/// properties — every key, nil as `null` except where a key is omitted — so a property added
/// without its line in `encode(to:)` fails here.
final class ResultEncodingTests: XCTestCase {
    /// `value` encoded through `NullEncoding`, as the types did before.
    struct ViaMirror<Key: CodingKey & CaseIterable>: Encodable {
        let value: Any
        var omittingNil: Set<String> = []
        func encode(to encoder: Encoder) throws {
            try NullEncoding.encode(value, keys: Key.self, to: encoder, omittingNil: omittingNil)
        }
    }

    private func assertSameJSON<Key: CodingKey & CaseIterable, T: Encodable>(_ value: T, _ keys: Key.Type, omittingNil: Set<String> = [],
                                                                          _ what: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let fast = String(decoding: try JSONOutput.encode(value), as: UTF8.self)
        let mirrored = String(decoding: try JSONOutput.encode(ViaMirror<Key>(value: value, omittingNil: omittingNil)), as: UTF8.self)
        XCTAssertEqual(fast, mirrored, what, file: file, line: line)
    }

    private func assertAll(_ r: ProbeResult, _ what: String) throws {
        try assertSameJSON(r, ProbeResult.CodingKeys.self,
                           omittingNil: ["multiDeviceMembers", "partitionReaders", "incompleteProbes", "roundTrips",
                                         "imageContainerHeader", "logicalVolumes"], what)
        try assertSameJSON(r.witnesses, Witnesses.CodingKeys.self, "\(what) witnesses")
        if let t = r.partitionTable { try assertSameJSON(t, PartitionTable.CodingKeys.self, "\(what) table") }
        if let d = r.sectorSizeDetection { try assertSameJSON(d, SectorSizeDetection.CodingKeys.self, "\(what) sector size") }
        if let readers = r.partitionReaders { try assertSameJSON(readers, PartitionReaders.CodingKeys.self, "\(what) readers") }
        if let reading = r.partitionTable?.libfdiskReading {
            try assertSameJSON(reading, LabelReading.CodingKeys.self, "\(what) libfdisk reading")
        }
        for p in r.partitions { try assertSameJSON(p, Partition.CodingKeys.self, omittingNil: ["parent"], "\(what) partition \(p.number)") }
    }

    /// Probes of real images (GPT with every witness, DOS with logical partitions) and values
    /// with every optional field nil and set.
    func testHandWrittenEncodingIsNullEncodings() throws {
        let dir = try TemporaryDirectory.make(prefix: "result-encoding")
        defer { try? FileManager.default.removeItem(at: dir) }
        let gpt = dir.appendingPathComponent("gpt.img").path, dos = dir.appendingPathComponent("dos.img").path
        try Tools.run("truncate", ["-s", "64M", gpt, dos])
        try Tools.run("sgdisk", ["-n", "1:2048:+16M", "-t", "1:8300", "-c", "1:data", "-n", "2:0:+8M", "-t", "2:8200", gpt])
        try Tools.run("/bin/sh", ["-c", "printf 'label: dos\\n,8M,83\\n,,5\\n,8M,83\\n,8M,83\\n' | sfdisk -q '\(dos)'"])
        let fromGPT = try probe(gpt), fromDOS = try probe(dos)
        XCTAssertEqual(fromGPT.partitions.count, 2)
        XCTAssertEqual(fromDOS.partitions.filter { $0.kind == "logical" }.count, 2)
        try assertAll(fromGPT, "gpt")
        try assertAll(fromDOS, "dos")

        var empty = ProbeResult(target: "t", sizeBytes: 0, sectorSize: 512)
        try assertAll(empty, "empty")
        empty.roundTrips = 3
        empty.multiDeviceMembers = []
        empty.incompleteProbes = [IncompleteProbe(place: "whole disk", prober: "udf", reason: "r")]
        empty.deviceSectorSize = 4096
        empty.imageContainerHeader = "qcow2"
        empty.logicalVolumes = [LogicalVolume(place: "partition 2", name: "vg/lv", id: nil, sizeBytes: 8 << 20,
                                              segments: [LogicalVolumeSegment(lvOffsetBytes: 0, startBytes: 1 << 20, sizeBytes: 8 << 20)],
                                              wholeOnVolume: true, filesystem: FilesystemSignature(type: "xfs"))]
        empty.dataExtent = DataExtent(method: "block-status", holdsData: false, blankProven: true, dataEndBytes: 0,
                                      allocatedBytes: 0, blocksRead: 0, nonZeroBlocks: 0)
        var table = try XCTUnwrap(fromGPT.partitionTable)
        table.libfdiskReading = LabelReading(headerSource: nil, diskId: "x", partitions: [])
        table.fieldSources = nil
        empty.partitionTable = table
        var nested = try XCTUnwrap(fromDOS.partitions.last)
        nested.parent = 5
        nested.typeName = nil
        empty.partitions = [nested]
        empty.partitionReaders = PartitionReaders(libfdisk: nil, libblkid: PartitionReading(type: "dos", id: nil, partitions: []),
                                                  used: "libblkid", rejected: nil, disagree: true)
        var detection = try XCTUnwrap(fromGPT.sectorSizeDetection)
        detection.labelSectorSize = nil
        empty.sectorSizeDetection = detection
        try assertAll(empty, "set")
    }
}
