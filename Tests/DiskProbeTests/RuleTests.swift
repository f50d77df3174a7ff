import AuditCore
@testable import DiskProbe
import XCTest

/// Pure unit tests of rules whose trigger no real tool will write.
final class RuleTests: XCTestCase {
    private func result(fdisk: [(Int, UInt64, UInt64)], blkid: [(Int, UInt64, UInt64)], decodedBy: String = "libfdisk") -> ProbeResult {
        var r = ProbeResult(target: "memory", sizeBytes: 64 << 20, sectorSize: 512)
        r.partitionTable = PartitionTable(type: "dos", diskId: "0x00000001", decodedBy: decodedBy)
        r.partitions = fdisk.map { n, start, size in
            Partition(number: n, startBytes: start, sizeBytes: size, startLBA: start / 512, endLBA: (start + size) / 512 - 1, type: "0x83")
        }
        let blkidReading = PartitionReading(type: "dos", id: "00000001", partitions: blkid.map { n, start, size in
            PartitionEntrySignature(number: n, startBytes: start, sizeBytes: size, type: "0x83")
        })
        r.partitionTableSignature = PartitionTableSignature(type: "dos", uuid: "00000001", partitions: blkidReading.partitions)
        let label = FdiskLabel(type: "dos", diskId: "0x00000001", gptItems: [:], partitions: fdisk.map { n, start, size in
            FdiskPartition(partno: n - 1, startLBA: start / 512, sectors: size / 512, type: "0x83", bootable: false,
                           isContainer: false, isNested: false)
        }, warnings: [], decodedBy: decodedBy)
        r.partitionReaders = PartitionTableArbiter.decide(fdisk: label, blkid: blkidReading, lba0: nil, wholeDiskType: nil,
                                                          sectorSize: 512).readers
        return r
    }

    func testReadersThatAgreeGiveNothing() {
        let r = result(fdisk: [(1, 1 << 20, 8 << 20)], blkid: [(1, 1 << 20, 8 << 20)])
        XCTAssertEqual(PartitionReadersAgreementRule.findings(in: r), [])
    }

    func testReadersThatDisagreeAreReported() throws {
        let r = result(fdisk: [(1, 1 << 20, 8 << 20), (2, 9 << 20, 8 << 20)], blkid: [(1, 1 << 20, 8 << 20)])
        let f = try XCTUnwrap(PartitionReadersAgreementRule.findings(in: r).first)
        XCTAssertEqual(f.code, "partition-readers-disagree")
        XCTAssertEqual(f.severity, .warning)
        XCTAssertEqual(f.evidence["onlyLibfdisk"], [["number": 2, "startBytes": .number(9 << 20), "sizeBytes": .number(8 << 20)]])
        XCTAssertEqual(f.evidence["onlyLibblkid"], [])
    }

    func testRawDecodedLabelIsNotComparedWithLibblkid() {
        let r = result(fdisk: [(1, 1 << 20, 8 << 20)], blkid: [], decodedBy: "raw-gpt-entries")
        XCTAssertEqual(PartitionReadersAgreementRule.findings(in: r), [])
    }

    func testHybridAndMalformedProtectiveMBRs() {
        var r = ProbeResult(target: "memory", sizeBytes: 64 << 20, sectorSize: 512)
        r.witnesses.mbr = MBRWitness(bootSignatureValid: true, diskSignature: "0x00000000", entries: [
            MBREntry(index: 1, bootable: false, type: "0xee", startLBA: 1, sectors: 131_071),
        ], protectiveSizeLBA: 131_071)
        XCTAssertEqual(ProtectiveMBRRule.findings(in: r), [])
        r.witnesses.mbr?.entries.append(MBREntry(index: 2, bootable: true, type: "0x83", startLBA: 2048, sectors: 4096))
        XCTAssertEqual(ProtectiveMBRRule.findings(in: r).map(\.code), ["mbr-hybrid"])
        r.witnesses.mbr?.entries = (1...4).map { MBREntry(index: $0, bootable: false, type: "0xee", startLBA: 1, sectors: 131_071) }
        XCTAssertEqual(ProtectiveMBRRule.findings(in: r).map(\.code), ["mbr-protective-malformed"])
    }

    func testBrokenEBRChainIsAnError() {
        var r = ProbeResult(target: "memory", sizeBytes: 64 << 20, sectorSize: 512)
        r.witnesses.extendedBootRecordLBAs = [10240, 12288]
        r.witnesses.extendedChainEnding = "end"
        XCTAssertEqual(ExtendedChainRule.findings(in: r), [])
        r.witnesses.extendedChainEnding = "loop at LBA 10240"
        XCTAssertEqual(ExtendedChainRule.findings(in: r).map(\.code), ["dos-ebr-chain-broken"])
        XCTAssertEqual(ExtendedChainRule.findings(in: r).first?.severity, .error)
    }

    func testPartitionPastTheEndAndOverlapOnHandMadeLayouts() {
        var r = result(fdisk: [(1, 1 << 20, 40 << 20), (2, 30 << 20, 40 << 20)], blkid: [])
        r.partitionTableSignature = nil
        r.partitionReaders = nil
        XCTAssertEqual(ProbeRules.evaluate(r).map(\.code), ["partition-past-device-end", "partitions-overlap"])
    }
}
