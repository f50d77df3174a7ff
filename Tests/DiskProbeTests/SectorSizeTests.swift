import AuditCore
import BlockAccess
import DiskProbe
import Foundation
import TestSupport
import XCTest

/// Issue 9.1 and 9.2: the sector size comes from the label (EFI PART at LBA 1 at 512 or
/// 4096 bytes, or a header at the last LBA), the device's size is recorded beside it; a
/// protective MBR with no GPT anywhere is a damaged label. Real images (sgdisk, fdisk -b
/// 4096) over real nbdkit, files and loop devices with 512- and 4096-byte sectors.
final class SectorSizeTests: XCTestCase {
    nonisolated(unsafe) static var cases: FixtureDirectory?

    override class func setUp() {
        super.setUp()
        cases = try? FixtureDirectory.build("make-probe-sectors.sh", ["gpt-512", "gpt-4k", "pmbr-no-gpt", "pmbr-no-gpt-4k",
                                                                      "pmbr-backup-only", "dos-4k", "dos-512",
                                                                      "dos-512-empty-grown"])
    }

    override class func tearDown() {
        cases?.remove()
        super.tearDown()
    }

    private func image(_ name: String) throws -> String {
        try XCTUnwrap(Self.cases, "Fixtures/make-probe-sectors.sh failed").image(name)
    }

    private func finding(_ r: ProbeResult, _ code: String) -> Finding? { r.findings.first { $0.code == code } }

    func testA4KnLabelInAnImageFileIsDetectedWithoutAnOverride() throws {
        let r = try probe(try image("gpt-4k"))
        XCTAssertEqual(r.sectorSize, 4096)
        XCTAssertNil(r.deviceSectorSize)
        let d = try XCTUnwrap(r.sectorSizeDetection)
        XCTAssertEqual(d.basis, "gpt-primary")
        XCTAssertEqual(d.labelSectorSize, 4096)
        XCTAssertEqual(d.volumeSectorSizeOrigin, "assumed")
        XCTAssertEqual(Set(d.headersFound.map(\.place)), ["primary", "device-end"])
        XCTAssertEqual(r.partitionTable?.diskId, "4096AAAA-0000-4000-8000-000000004096")
        XCTAssertEqual(r.partitions.map(\.startBytes), [256 * 4096, 4352 * 4096])
        XCTAssertEqual(r.partitionTable?.impliedDiskBytes, 64 << 20)
        // On a file the guest's sector size is unknown: an info naming the label's.
        let f = try XCTUnwrap(finding(r, "label-sector-size-mismatch"), "\(codes(r))")
        XCTAssertEqual(f.severity, .info)
        XCTAssertEqual(f.evidence["labelSectorSize"], 4096)
        XCTAssertTrue(f.message.contains("4096-byte sectors"), f.message)
        XCTAssertEqual(codes(r), ["label-sector-size-mismatch"])
    }

    func testA512ByteLabelOnAFileHasNoSectorSizeFinding() throws {
        let r = try probe(try image("gpt-512"))
        XCTAssertEqual(r.sectorSize, 512)
        XCTAssertEqual(r.sectorSizeDetection?.basis, "gpt-primary")
        XCTAssertEqual(codes(r), [])
    }

    func testAnNBDMinimumBlockSizeIsAnIOConstraintNotTheLabelsSectorSize() throws {
        // A 512-byte label served with a 4096-byte minimum block size: read at 512.
        let server = try NBDKitServer(plugin: "file", args: ["file=\(try image("gpt-512"))", "blocksize-minimum=4096"],
                                      filters: ["blocksize-policy"])
        let r = try probe(server.uri())
        XCTAssertEqual(r.sectorSize, 512)
        XCTAssertEqual(r.partitionTable?.diskId, "05120000-0000-4000-8000-000000000512")
        XCTAssertEqual(r.partitions.map(\.startLBA), [2048, 34816])
        let f = try XCTUnwrap(finding(r, "label-sector-size-mismatch"))
        XCTAssertEqual(f.severity, .info)
        XCTAssertEqual(f.evidence["volumeSectorSizeOrigin"], "nbd-minimum-block-size")
        XCTAssertTrue(f.message.contains("minimum block size is 4096 bytes"), f.message)
        XCTAssertFalse(codes(r).contains("protective-mbr-without-gpt"))
        // The 4Kn label with the same server set-up: nothing to report.
        let server4k = try NBDKitServer(plugin: "file", args: ["file=\(try image("gpt-4k"))", "blocksize-minimum=4096"],
                                        filters: ["blocksize-policy"])
        let r4k = try probe(server4k.uri())
        XCTAssertEqual(r4k.sectorSize, 4096)
        XCTAssertEqual(codes(r4k), [])
    }

    func testSectorSizeOverrideAgainstTheLabelIsCritical() throws {
        let r = try probe(try image("gpt-512"), options: VolumeOptions(sectorSize: 4096))
        XCTAssertEqual(r.sectorSize, 4096)
        XCTAssertEqual(r.sectorSizeDetection?.basis, "forced")
        XCTAssertEqual(r.sectorSizeDetection?.labelSectorSize, 512)
        let f = try XCTUnwrap(finding(r, "label-sector-size-mismatch"))
        XCTAssertEqual(f.severity, .critical)
        XCTAssertTrue(f.message.contains("--sector-size 4096"), f.message)
        // The label exists (at the other size): not reported as a missing GPT.
        XCTAssertFalse(codes(r).contains("protective-mbr-without-gpt"))
        // Forcing the label's own size: no finding.
        XCTAssertEqual(codes(try probe(try image("gpt-4k"), options: VolumeOptions(sectorSize: 4096))), [])
    }

    func testLoopDevicesWith512And4096ByteSectors() throws {
        // A 512-byte GPT on a 4096-byte loop device: the guest sees no GPT. Critical, and the
        // label is still read at its own size.
        let loop = try LoopDevice(image: try image("gpt-512"), sectorSize: 4096)
        defer { loop.detach() }
        let r = try probe(loop.path)
        XCTAssertEqual(r.deviceSectorSize, 4096)
        XCTAssertEqual(r.sectorSize, 512)
        XCTAssertEqual(r.partitions.map(\.startLBA), [2048, 34816])
        let f = try XCTUnwrap(finding(r, "label-sector-size-mismatch"), "\(codes(r))")
        XCTAssertEqual(f.severity, .critical)
        XCTAssertEqual(f.evidence["volumeSectorSizeOrigin"], "block-device")
        XCTAssertTrue(f.message.contains("block device has 4096-byte logical sectors"), f.message)

        // The faithful pairs: 4Kn label on a 4096 device, 512 label on a 512 device.
        let loop4k = try LoopDevice(image: try image("gpt-4k"), sectorSize: 4096)
        defer { loop4k.detach() }
        let r4k = try probe(loop4k.path)
        XCTAssertEqual(r4k.deviceSectorSize, 4096)
        XCTAssertEqual(r4k.sectorSize, 4096)
        XCTAssertEqual(codes(r4k), [])
        let loop512 = try LoopDevice(image: try image("gpt-512"), sectorSize: 512)
        defer { loop512.detach() }
        let r512 = try probe(loop512.path)
        XCTAssertEqual(r512.deviceSectorSize, 512)
        XCTAssertEqual(codes(r512), [])

        // A 4Kn label on a 512-byte device: critical as well.
        let loopMixed = try LoopDevice(image: try image("gpt-4k"), sectorSize: 512)
        defer { loopMixed.detach() }
        let rMixed = try probe(loopMixed.path)
        XCTAssertEqual(rMixed.sectorSize, 4096)
        XCTAssertEqual(finding(rMixed, "label-sector-size-mismatch")?.severity, .critical)
    }

    /// A DOS label says nothing of its sector size: one written by fdisk -b 4096, read at
    /// 512, names partitions in the disk's first eighth that hold nothing. Its partitions'
    /// signatures are where it is read at 4096 (EBR chain included), on a file, over NBD and
    /// on loop devices; a 512-byte label on a 4096-byte device is read at 512 the same way.
    func testADOSLabelIsReadAtTheSectorSizeItsPartitionsSignaturesAreAt() throws {
        let server = try NBDKitServer(plugin: "file", args: ["file=\(try image("dos-4k"))"])
        for target in [try image("dos-4k"), server.uri()] {
            let r = try probe(target)
            XCTAssertEqual(r.sectorSize, 4096, target)
            XCTAssertEqual(r.sectorSizeDetection?.basis, "dos-signatures")
            XCTAssertEqual(r.sectorSizeDetection?.labelSectorSize, 4096)
            XCTAssertEqual(r.partitionTable?.labelType, .dos)
            XCTAssertEqual(r.partitionTable?.diskId, "0x4096d05a")
            XCTAssertEqual(r.partitions.map(\.number), [1, 2, 5])
            XCTAssertEqual(r.partitions.map(\.startBytes), [256 * 4096, 4352 * 4096, 4608 * 4096])
            XCTAssertEqual(r.partitions.map { $0.filesystem?.uuid }, ["d05a4096-0001-4000-8000-000000004096", nil,
                                                                     "d05a4096-0005-4000-8000-000000004096"])
            let f = try XCTUnwrap(finding(r, "label-sector-size-mismatch"), "\(codes(r))")
            XCTAssertEqual(f.severity, .info)
            XCTAssertTrue(f.message.contains("The DOS label on this volume is written for 4096-byte sectors"), f.message)
            XCTAssertEqual(codes(r), ["label-sector-size-mismatch"])
            // Both readings' requests are counted, and the regions of both are cited: the
            // 512-byte reading's partition heads (at 256 × 512 bytes) are named as not kept.
            XCTAssertGreaterThan(r.roundTrips ?? 0, try probe(try image("dos-512")).roundTrips ?? 0)
            let notKept = r.regionsRead.filter { $0.purpose.hasSuffix("(the reading at 512-byte sectors, not kept)") }
            XCTAssertTrue(notKept.contains { $0.offset == 256 * 512 && $0.purpose.hasPrefix("partition 1 head") }, "\(notKept)")
            XCTAssertFalse(notKept.contains { $0.offset == 0 && $0.length == 1 << 20 }, "the disk head both readings read is cited once")
            XCTAssertEqual(r.regionsRead.filter { $0.offset == 0 && $0.purpose == "disk head" }.count, 1)
            XCTAssertTrue(r.regionsRead.allSatisfy { $0.sha256.count == 64 }, "\(r.regionsRead)")
        }
        // On a 4096-byte device the device's size is the label's: nothing to report.
        let loop4k = try LoopDevice(image: try image("dos-4k"), sectorSize: 4096)
        defer { loop4k.detach() }
        let r4k = try probe(loop4k.path)
        XCTAssertEqual(r4k.sectorSizeDetection?.basis, "device")
        XCTAssertEqual(r4k.partitions.compactMap { $0.filesystem?.type }, ["ext4", "ext4"])
        XCTAssertEqual(codes(r4k), [])
        // On a 512-byte device the guest finds the partitions at the wrong places: critical.
        let loop512 = try LoopDevice(image: try image("dos-4k"), sectorSize: 512)
        defer { loop512.detach() }
        let r512 = try probe(loop512.path)
        XCTAssertEqual(r512.sectorSize, 4096)
        let critical = try XCTUnwrap(finding(r512, "label-sector-size-mismatch"), "\(codes(r512))")
        XCTAssertEqual(critical.severity, .critical)
        XCTAssertTrue(critical.message.contains("partitions at the wrong places"), critical.message)
        // The other way round: a 512-byte DOS label on a 4096-byte device.
        let loopMixed = try LoopDevice(image: try image("dos-512"), sectorSize: 4096)
        defer { loopMixed.detach() }
        let rMixed = try probe(loopMixed.path)
        XCTAssertEqual(rMixed.sectorSize, 512)
        XCTAssertEqual(rMixed.partitions.first?.filesystem?.uuid, "d05a0512-0001-4000-8000-000000000512")
        XCTAssertEqual(finding(rMixed, "label-sector-size-mismatch")?.severity, .critical)
    }

    /// The faithful 512-byte DOS labels stay at 512: one whose partition holds a filesystem
    /// is never read at another size, and one that holds nothing (its entry reaching the
    /// volume's end exactly at 4096 bytes) keeps 512 when 4096 shows nothing either.
    func testA512ByteDOSLabelStaysAt512() throws {
        let r = try probe(try image("dos-512"))
        XCTAssertEqual(r.sectorSize, 512)
        XCTAssertEqual(r.sectorSizeDetection?.basis, "default")
        XCTAssertEqual(codes(r), [])
        let empty = try probe(try image("dos-512-empty-grown"))
        XCTAssertEqual(empty.sectorSize, 512)
        XCTAssertEqual(empty.sectorSizeDetection?.basis, "default")
        XCTAssertNil(empty.sectorSizeDetection?.labelSectorSize)
        XCTAssertEqual(empty.partitions.map(\.startBytes), [2048 * 512])
        XCTAssertFalse(codes(empty).contains("label-sector-size-mismatch"))
    }

    func testProtectiveMBRWithoutAnyGPTHeaderIsADamagedLabel() throws {
        for name in ["pmbr-no-gpt", "pmbr-no-gpt-4k"] {
            let server = try NBDKitServer(plugin: "file", args: ["file=\(try image(name))"])
            let r = try probe(server.uri())
            let f = try XCTUnwrap(finding(r, "protective-mbr-without-gpt"), "\(name): \(codes(r))")
            XCTAssertEqual(f.severity, .error, name)
            XCTAssertEqual(r.sectorSizeDetection?.headersFound, [], name)
            XCTAssertNil(r.witnesses.primaryGPT, name)
            XCTAssertTrue(f.message.contains("the guest sees no partitions"), f.message)
            // Every place looked at is cited: LBA 1 and the last LBA at both sizes.
            guard case .array(let places)? = f.evidence["placesSearched"] else { return XCTFail("no placesSearched") }
            XCTAssertEqual(places.count, 4, name)
        }
        // Only a backup left where the protective MBR says the disk ends: the guest (which
        // looks at LBA 1 and at the last LBA) still sees nothing; the backup is cited.
        let server = try NBDKitServer(plugin: "file", args: ["file=\(try image("pmbr-backup-only"))"])
        let r = try probe(server.uri())
        let f = try XCTUnwrap(finding(r, "protective-mbr-without-gpt"), "\(codes(r))")
        XCTAssertEqual(r.witnesses.backupGPT?.lba, 131_071)
        XCTAssertEqual(r.partitionTable?.headerSource, "backup-at-claimed-location")
        XCTAssertEqual(r.partitionTable?.diskId, "BAC00000-0000-4000-8000-00000000BAC0")
        XCTAssertNotNil(f.evidence["backupAtProtectiveMBREnd"])
        XCTAssertTrue(f.message.contains("LBA 131071"), f.message)
        // The intact labels, at either size, have no such finding.
        for name in ["gpt-512", "gpt-4k"] {
            XCTAssertFalse(codes(try probe(try image(name))).contains("protective-mbr-without-gpt"), name)
        }
    }

    func testA4KnLabelWhosePrimaryIsGoneIsFoundByItsBackupAtTheEnd() throws {
        let dir = try TemporaryDirectory.make(prefix: "no-primary-4k")
        defer { try? FileManager.default.removeItem(at: dir) }
        let img = dir.appendingPathComponent("d.img").path
        try Tools.sh("cp --sparse=always '\(try image("gpt-4k"))' '\(img)' && "
                     + "dd if=/dev/zero of='\(img)' bs=4096 seek=1 count=1 conv=notrunc status=none")
        let server = try NBDKitServer(plugin: "file", args: ["file=\(img)"])
        let r = try probe(server.uri())
        XCTAssertEqual(r.sectorSize, 4096)
        XCTAssertEqual(r.sectorSizeDetection?.basis, "gpt-end")
        // The backup sits where the protective MBR says the disk ends, which is the last LBA.
        XCTAssertEqual(r.partitionTable?.headerSource, "backup-at-claimed-location")
        XCTAssertEqual(r.witnesses.endGPT?.lba, 16383)
        XCTAssertEqual(r.partitionTable?.diskId, "4096AAAA-0000-4000-8000-000000004096")
        XCTAssertEqual(r.partitions.map(\.startLBA), [256, 4352])
        XCTAssertFalse(codes(r).contains("protective-mbr-without-gpt"), "\(codes(r))")
    }

    func testInspectReportsTheLabelsSectorSizeAndTheDevices() throws {
        let loop = try LoopDevice(image: try image("gpt-512"), sectorSize: 4096)
        defer { loop.detach() }
        let run = try Repository.runTool(["inspect", loop.path, "--format", "json"])
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], run.stderr)
        XCTAssertEqual(json["sectorSize"] as? Int, 512)
        XCTAssertEqual(json["deviceSectorSize"] as? Int, 4096)
        let detection = try XCTUnwrap(json["sectorSizeDetection"] as? [String: Any])
        XCTAssertEqual(detection["basis"] as? String, "gpt-primary")
        let text = try Repository.runTool(["inspect", try image("gpt-4k")]).stdout
        XCTAssertTrue(text.contains("Sector size (logical): 4096 bytes (from the GPT at LBA 1)"), text)
    }
}
