import AuditCore
import BlockAccess
import DiskProbe
import Foundation
import TestSupport
import XCTest

/// Issue 9.4: each filesystem's own size field, read from bytes the real mkfs tools wrote,
/// checked against the tools' own reading of it; and the probe's
/// `filesystem-larger-than-container` on real images over nbdkit, with faithful twins.
final class FilesystemSizeTests: XCTestCase {
    nonisolated(unsafe) static var cases: FixtureDirectory?

    override class func setUp() {
        super.setUp()
        cases = try? FixtureDirectory.build("make-probe-sectors.sh", ["fs-oversize", "fs-faithful"])
    }

    override class func tearDown() {
        cases?.remove()
        super.tearDown()
    }

    private var scratch: URL!

    override func setUpWithError() throws {
        scratch = try TemporaryDirectory.make(prefix: "fs-size")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: scratch)
    }

    /// A file of `mib` MiB made by `command` (with FILE replaced by its path), and its head.
    private func made(_ name: String, mib: Int, _ command: String) throws -> (path: String, head: [UInt8]) {
        let path = scratch.appendingPathComponent(name).path
        try Tools.sh("truncate -s \(mib)M '\(path)' && " + command.replacingOccurrences(of: "FILE", with: "'\(path)'"))
        let handle = try XCTUnwrap(FileHandle(forReadingAtPath: path))
        defer { try? handle.close() }
        return (path, [UInt8](try handle.read(upToCount: FilesystemSizeParser.headBytes) ?? Data()))
    }

    /// `KEY: value` (or `KEY value`) from a tool's output.
    private func field(_ output: String, _ key: String) throws -> UInt64 {
        for line in output.split(separator: "\n") {
            let t = line.trimmingCharacters(in: .whitespaces)
            guard t.hasPrefix(key) else { continue }
            let digits = t.dropFirst(key.count).drop { !$0.isNumber }.prefix { $0.isNumber }
            if let v = UInt64(digits) { return v }
        }
        throw ToolError("no '\(key)' in:\n\(output)")
    }

    func testExt4ClaimIsBlockCountTimesBlockSizeAsDumpe2fsSays() throws {
        for (mib, opts) in [(48, "-b 4096"), (24, "-b 1024 -O ^has_journal"), (40, "-b 4096 -O 64bit")] {
            let fs = try made("ext4-\(mib).img", mib: mib, "mkfs.ext4 -q -F \(opts) FILE 2>/dev/null")
            let claim = try XCTUnwrap(FilesystemSizeParser.claim(type: "ext4", head: fs.head))
            let dump = try Tools.run("dumpe2fs", ["-h", fs.path]).stdout
            XCTAssertEqual(claim.claimedBytes, try field(dump, "Block count:") * field(dump, "Block size:"), opts)
            XCTAssertEqual(claim.claimedBytes, UInt64(mib) << 20, opts)
            XCTAssertFalse(claim.isLowerBound)
        }
    }

    func testXFSClaimIsDblocksTimesBlocksizeAsXfsDbSays() throws {
        let fs = try made("xfs.img", mib: 320, "mkfs.xfs -q -f FILE")
        let claim = try XCTUnwrap(FilesystemSizeParser.claim(type: "xfs", head: fs.head))
        let db = try Tools.run("xfs_db", ["-r", "-c", "sb 0", "-c", "p dblocks blocksize", fs.path]).stdout
        XCTAssertEqual(claim.claimedBytes, try field(db, "dblocks") * field(db, "blocksize"))
        XCTAssertEqual(claim.claimedBytes, 320 << 20)
    }

    func testBtrfsClaimIsTheDevicesTotalBytesAsDumpSuperSays() throws {
        let fs = try made("btrfs.img", mib: 272, "mkfs.btrfs -q -f FILE >/dev/null")
        let claim = try XCTUnwrap(FilesystemSizeParser.claim(type: "btrfs", head: fs.head))
        let dump = try Tools.run("btrfs", ["inspect-internal", "dump-super", fs.path]).stdout
        XCTAssertEqual(claim.claimedBytes, try field(dump, "dev_item.total_bytes"))
        XCTAssertEqual(claim.claimedBytes, try field(dump, "total_bytes"))
        XCTAssertEqual(claim.claimedBytes, 272 << 20)
    }

    func testNTFSFATExFATAndSwapClaimTheirWholeSize() throws {
        let ntfs = try made("ntfs.img", mib: 40, "mkntfs -Q -F -q FILE >/dev/null 2>&1")
        XCTAssertEqual(FilesystemSizeParser.claim(type: "ntfs", head: ntfs.head)?.claimedBytes, 40 << 20)
        for (bits, mib) in [(16, 24), (32, 48)] {
            let fat = try made("fat\(bits).img", mib: mib, "mkfs.fat -F \(bits) FILE >/dev/null")
            XCTAssertEqual(FilesystemSizeParser.claim(type: "vfat", head: fat.head)?.claimedBytes, UInt64(mib) << 20, "FAT\(bits)")
        }
        let exfat = try made("exfat.img", mib: 44, "mkfs.exfat FILE >/dev/null")
        XCTAssertEqual(FilesystemSizeParser.claim(type: "exfat", head: exfat.head)?.claimedBytes, 44 << 20)
        let swap = try made("swap.img", mib: 36, "mkswap -q FILE >/dev/null")
        XCTAssertEqual(FilesystemSizeParser.claim(type: "swap", head: swap.head)?.claimedBytes, 36 << 20)
    }

    /// F2FS, JFS, NILFS2, ReiserFS and Minix claim the whole file mkfs was given; JFS's
    /// claim reaches past its aggregate (`s_size`, what jfs_tune shows) to the inline journal
    /// at the end.
    func testLessCommonFilesystemsClaimTheSizeTheyWereMadeFor() throws {
        for (type, mib, command) in [("f2fs", 64, "mkfs.f2fs -q -f FILE >/dev/null"),
                                     ("nilfs2", 64, "mkfs.nilfs2 -q -f -B 512 FILE >/dev/null"),
                                     ("minix", 24, "mkfs.minix -3 FILE >/dev/null"),
                                     ("minix", 16, "mkfs.minix -2 FILE >/dev/null"),
                                     ("jfs", 32, "mkfs.jfs -q FILE >/dev/null")] {
            let fs = try made("\(type)-\(mib).img", mib: mib, command)
            let claim = try XCTUnwrap(FilesystemSizeParser.claim(type: type, head: fs.head), "\(type) \(mib) MiB")
            XCTAssertEqual(claim.claimedBytes, UInt64(mib) << 20, "\(type): \(claim.field)")
            XCTAssertFalse(claim.isLowerBound)
            if type == "jfs" {
                let tune = try Tools.run("jfs_tune", ["-l", fs.path]).stdout
                let aggregate = try field(tune, "Aggregate size:") * field(tune, "Physical block size:")
                XCTAssertLessThan(aggregate, claim.claimedBytes, claim.field)
                XCTAssertTrue(claim.field.contains("s_logpxd"), claim.field)
            }
        }
        // Minix v1: at most 65535 zones of 1 KiB.
        let v1 = try made("minix-v1.img", mib: 64, "mkfs.minix -1 FILE >/dev/null")
        XCTAssertEqual(FilesystemSizeParser.claim(type: "minix", head: v1.head)?.claimedBytes, 65535 * 1024)
        let reiser = try made("reiserfs.img", mib: 64, "mkfs.reiserfs -q -f FILE >/dev/null 2>&1")
        let reiserClaim = try XCTUnwrap(FilesystemSizeParser.claim(type: "reiserfs", head: reiser.head))
        let debug = try Tools.sh("debugreiserfs '\(reiser.path)' 2>/dev/null").stdout
        XCTAssertEqual(reiserClaim.claimedBytes, try field(debug, "Count of blocks on the device:") * field(debug, "Blocksize:"))
        XCTAssertEqual(reiserClaim.claimedBytes, 64 << 20)
    }

    /// SquashFS, EROFS and ISO 9660 images are as long as their content: the claim is
    /// unsquashfs's "Filesystem size", and the length of the EROFS and ISO files.
    func testReadOnlyImagesClaimTheirOwnLength() throws {
        let tree = scratch.appendingPathComponent("tree")
        try Tools.sh("mkdir -p '\(tree.path)' && seq 1 300000 > '\(tree.path)/numbers'")
        for (type, command) in [("squashfs", "mksquashfs '\(tree.path)' FILE -quiet -noappend -noI -noD -noF -noX >/dev/null"),
                                ("erofs", "mkfs.erofs --quiet FILE '\(tree.path)'"),
                                ("iso9660", "xorriso -as mkisofs -quiet -o FILE '\(tree.path)' 2>/dev/null")] {
            let fs = try made("\(type).img", mib: 0, "rm -f FILE && " + command)
            let claim = try XCTUnwrap(FilesystemSizeParser.claim(type: type, head: fs.head), type)
            let length = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: fs.path)[.size] as? Int)
            if type == "squashfs" {
                let info = try Tools.run("unsquashfs", ["-s", fs.path]).stdout
                XCTAssertEqual(claim.claimedBytes, try field(info, "Filesystem size"))
                // The archive is padded to 4 KiB.
                XCTAssertEqual((claim.claimedBytes + 4095) / 4096 * 4096, UInt64(length))
            } else {
                XCTAssertEqual(claim.claimedBytes, UInt64(length), "\(type): \(claim.field)")
            }
            XCTAssertGreaterThan(claim.claimedBytes, 1 << 20, type)
        }
    }

    /// The end structure of ext2/3/4 (with sparse_super, without it, with sparse_super2;
    /// 1 KiB and 4 KiB blocks), XFS and NTFS is where their own tools say, and holds what it
    /// should: dumpe2fs's last "Backup superblock", xfs_db's last AG, NTFS's last sector.
    func testEndStructuresAreWhereTheToolsSayAndHoldTheirMagic() throws {
        for (name, mib, opts) in [("sparse-1k", 96, "-b 1024"), ("sparse-4k", 300, "-b 4096"),
                                  ("every-group", 96, "-b 1024 -O ^sparse_super,^resize_inode"),
                                  ("sparse2", 300, "-b 4096 -O sparse_super2 -E num_backup_sb=1")] {
            let fs = try made("end-\(name).img", mib: mib, "mkfs.ext4 -q -F \(opts) FILE 2>/dev/null")
            let witness = try XCTUnwrap(FilesystemEndParser.witness(type: "ext4", head: fs.head), name)
            let dump = try Tools.run("dumpe2fs", [fs.path]).stdout
            let blockSize = try field(dump, "Block size:")
            let lastBackup = try XCTUnwrap(dump.split(separator: "\n").last { $0.contains("Backup superblock at") }, name)
            let block = try XCTUnwrap(UInt64(lastBackup.split(separator: " ").drop { $0 != "at" }.dropFirst().first?
                .trimmingCharacters(in: CharacterSet(charactersIn: ",")) ?? ""), String(lastBackup))
            XCTAssertEqual(witness.offset, block * blockSize, "\(name): \(witness.what)")
            XCTAssertTrue(witness.holds(try bytes(fs.path, at: witness.offset, count: witness.count)), name)
            XCTAssertFalse(witness.holds([UInt8](repeating: 0, count: witness.count)), name)
        }
        let xfs = try made("end-xfs.img", mib: 320, "mkfs.xfs -q -f FILE")
        let xw = try XCTUnwrap(FilesystemEndParser.witness(type: "xfs", head: xfs.head))
        let db = try Tools.run("xfs_db", ["-r", "-c", "sb 0", "-c", "p agcount agblocks blocksize", xfs.path]).stdout
        let (agCount, agBlocks, blockSize) = (try field(db, "agcount"), try field(db, "agblocks"), try field(db, "blocksize"))
        XCTAssertEqual(xw.offset, (agCount - 1) * agBlocks * blockSize)
        XCTAssertTrue(xw.holds(try bytes(xfs.path, at: xw.offset, count: xw.count)))
        let ntfs = try made("end-ntfs.img", mib: 40, "mkntfs -Q -F -q FILE >/dev/null 2>&1")
        let nw = try XCTUnwrap(FilesystemEndParser.witness(type: "ntfs", head: ntfs.head))
        XCTAssertEqual(nw.offset, (40 << 20) - 512)
        XCTAssertTrue(nw.holds(try bytes(ntfs.path, at: nw.offset, count: nw.count)))
        // Hostile heads never trap.
        var rng = SeededGenerator(seed: 12)
        for type in ["ext4", "xfs", "ntfs"] {
            for count in [0, 100, 1100, 4096] {
                _ = FilesystemEndParser.witness(type: type, head: (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) })
            }
        }
    }

    /// The structures inside the filesystem (README.md, "Blank and half-written volumes"):
    /// every backup superblock dumpe2fs lists but the last, each allocation group's
    /// superblock but the first and last; sampled evenly past `interiorLimit`.
    func testInteriorStructuresAreEveryBackupTheToolsList() throws {
        for (name, mib, opts) in [("sparse-1k", 96, "-b 1024"), ("sparse-4k", 300, "-b 4096"),
                                  ("every-group", 96, "-b 1024 -O ^sparse_super,^resize_inode"),
                                  ("sparse2", 300, "-b 4096 -O sparse_super2 -E num_backup_sb=2"),
                                  ("every-group-1g", 1024, "-b 1024 -O ^sparse_super,^resize_inode")] {
            let fs = try made("interior-\(name).img", mib: mib, "mkfs.ext4 -q -F \(opts) FILE 2>/dev/null")
            let dump = try Tools.run("dumpe2fs", [fs.path]).stdout
            let blockSize = try field(dump, "Block size:")
            let backups: [UInt64] = dump.split(separator: "\n").filter { $0.contains("Backup superblock at") }.compactMap { line in
                UInt64(line.split(separator: " ").drop { $0 != "at" }.dropFirst().first?
                    .trimmingCharacters(in: CharacterSet(charactersIn: ",")) ?? "").map { $0 * blockSize }
            }
            let interior = FilesystemEndParser.interior(type: "ext4", head: fs.head)
            let expected = Array(backups.dropLast())
            if expected.count <= FilesystemEndParser.interiorLimit {
                XCTAssertEqual(interior.map(\.offset), expected, name)
            } else {
                // Sampled: as many as the limit, all of them real backups, first and near-last among them.
                XCTAssertEqual(interior.count, FilesystemEndParser.interiorLimit, name)
                XCTAssertTrue(Set(interior.map(\.offset)).isSubset(of: Set(expected)), name)
                XCTAssertEqual(interior.first?.offset, expected.first, name)
            }
            for w in interior {
                XCTAssertTrue(w.holds(try bytes(fs.path, at: w.offset, count: w.count)), "\(name): \(w.what)")
            }
        }
        let xfs = try made("interior-xfs.img", mib: 600, "mkfs.xfs -q -f -d agcount=6 FILE")
        let db = try Tools.run("xfs_db", ["-r", "-c", "sb 0", "-c", "p agcount agblocks blocksize", xfs.path]).stdout
        let (agCount, agBlocks, blockSize) = (try field(db, "agcount"), try field(db, "agblocks"), try field(db, "blocksize"))
        let inside = FilesystemEndParser.interior(type: "xfs", head: xfs.head)
        XCTAssertEqual(agCount, 6)
        XCTAssertEqual(inside.map(\.offset), (1..<agCount - 1).map { $0 * agBlocks * blockSize })
        for w in inside { XCTAssertTrue(w.holds(try bytes(xfs.path, at: w.offset, count: w.count)), w.what) }
        // Btrfs: the mirror at 64 MiB; on a device of 256 GiB + 4 KiB or more also the one at 256 GiB.
        let btrfs = try made("interior-btrfs.img", mib: 300, "mkfs.btrfs -q -f FILE >/dev/null")
        let mirror = try XCTUnwrap(FilesystemEndParser.witness(type: "btrfs", head: btrfs.head))
        XCTAssertEqual(mirror.offset, 64 << 20)
        XCTAssertTrue(mirror.holds(try bytes(btrfs.path, at: mirror.offset, count: mirror.count)))
        XCTAssertFalse(mirror.holds(try bytes(btrfs.path, at: 0x10000, count: 4096)), "the primary is not the mirror")
        let big = try made("interior-btrfs-big.img", mib: 257 << 10, "mkfs.btrfs -q -f FILE >/dev/null")
        XCTAssertEqual(FilesystemEndParser.interior(type: "btrfs", head: big.head).map(\.offset), [64 << 20])
        let far = try XCTUnwrap(FilesystemEndParser.witness(type: "btrfs", head: big.head))
        XCTAssertEqual(far.offset, 256 << 30)
        XCTAssertTrue(far.holds(try bytes(big.path, at: far.offset, count: far.count)))
        // NTFS: the MFT mirror, where ntfsinfo says $MFTMirr's data lies (mkntfs: the middle).
        let ntfs = try made("interior-ntfs.img", mib: 40, "mkntfs -Q -F -q FILE >/dev/null 2>&1")
        let info = try Tools.run("ntfsinfo", ["-m", ntfs.path]).stdout
        let lcn = try field(info, "LCN of Data Attribute for File_MFTMirr:"), cluster = try field(info, "Cluster Size:")
        let inNTFS = FilesystemEndParser.interior(type: "ntfs", head: ntfs.head)
        XCTAssertEqual(inNTFS.map(\.offset), [lcn * cluster])
        XCTAssertEqual(inNTFS.first?.count, Int(try field(info, "MFT Record Size:")))
        XCTAssertEqual(inNTFS.first?.what, "MFT mirror ($MFTMirr)")
        for w in inNTFS {
            XCTAssertTrue(w.holds(try bytes(ntfs.path, at: w.offset, count: w.count)), w.what)
            XCTAssertFalse(w.holds([UInt8](repeating: 0, count: w.count)), w.what)
        }
    }

    private func bytes(_ path: String, at offset: UInt64, count: Int) throws -> [UInt8] {
        let handle = try XCTUnwrap(FileHandle(forReadingAtPath: path))
        defer { try? handle.close() }
        try handle.seek(toOffset: offset)
        return [UInt8](try handle.read(upToCount: count) ?? Data())
    }

    func testLUKSHeadersClaimTheirHeaderAndSegments() throws {
        let key = scratch.appendingPathComponent("key").path
        try Tools.sh("printf not-a-secret > '\(key)'")
        let format = "cryptsetup luksFormat -q --pbkdf pbkdf2 --pbkdf-force-iterations 1000 --key-file '\(key)'"
        let luks1 = try made("luks1.img", mib: 4, "\(format) --type luks1 FILE")
        let claim1 = try XCTUnwrap(FilesystemSizeParser.claim(type: "crypto_LUKS", head: luks1.head))
        let dump1 = try Tools.run("cryptsetup", ["luksDump", luks1.path]).stdout
        XCTAssertEqual(claim1.claimedBytes, try field(dump1, "Payload offset:") * 512)
        XCTAssertTrue(claim1.isLowerBound)
        let luks2 = try made("luks2.img", mib: 20, "\(format) --type luks2 FILE")
        let claim2 = try XCTUnwrap(FilesystemSizeParser.claim(type: "crypto_LUKS", head: luks2.head))
        let dump2 = try Tools.run("cryptsetup", ["luksDump", luks2.path]).stdout
        XCTAssertEqual(claim2.claimedBytes, try field(dump2, "offset:"))
        XCTAssertTrue(claim2.field.contains("segment 0"), claim2.field)
    }

    func testHostileBytesNeverTrapAndOverflowsGiveNothing() {
        var rng = SeededGenerator(seed: 9)
        for type in FilesystemSizeParser.parsedTypes + ["zfs_member"] {
            for count in [0, 1, 100, 1100, 4096, 70_000] {
                _ = FilesystemSizeParser.claim(type: type, head: (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) })
            }
        }
        // An XFS superblock claiming 2^64 - 1 blocks of 64 KiB: the product overflows.
        var xfs = [UInt8](repeating: 0, count: 512)
        xfs.replaceSubrange(0..<4, with: Array("XFSB".utf8))
        xfs.replaceSubrange(4..<8, with: [0, 1, 0, 0])
        xfs.replaceSubrange(8..<16, with: [UInt8](repeating: 0xFF, count: 8))
        XCTAssertNil(FilesystemSizeParser.claim(type: "xfs", head: xfs))
    }

    func testOversizeFilesystemsAreCriticalAndFaithfulOnesAreNot() throws {
        let dir = try XCTUnwrap(Self.cases, "Fixtures/make-probe-sectors.sh failed")
        let server = try NBDKitServer(plugin: "file", args: ["file=\(dir.image("fs-oversize"))"])
        let r = try probe(server.uri())
        let found = r.findings.filter { $0.code == "filesystem-larger-than-container" }
        XCTAssertEqual(found.map { $0.evidence["type"]?.stringValue ?? "" },
                       ["ext4", "xfs", "btrfs", "ntfs", "vfat", "exfat", "swap", "crypto_LUKS", "crypto_LUKS",
                        "f2fs", "jfs", "nilfs2", "reiserfs", "minix", "squashfs", "erofs", "iso9660"])
        for f in found {
            XCTAssertEqual(f.severity, .critical)
            let claimed = try XCTUnwrap(f.evidence["claimedBytes"]?.uint64Value)
            let container = try XCTUnwrap(f.evidence["containerBytes"]?.uint64Value)
            XCTAssertGreaterThan(claimed, container)
            let number = try XCTUnwrap(f.evidence["partition"]?.uint64Value)
            XCTAssertEqual(container, r.partitions[Int(number) - 1].sizeBytes)
        }
        XCTAssertEqual(found.first?.evidence["claimedBytes"], .number(64 << 20))
        XCTAssertEqual(found.first?.evidence["containerBytes"], .number(32 << 20))

        let faithful = try NBDKitServer(plugin: "file", args: ["file=\(dir.image("fs-faithful"))"])
        let twin = try probe(faithful.uri())
        XCTAssertEqual(codes(twin), [])
        // The claims are there, each smaller than its partition.
        XCTAssertEqual(twin.partitions.compactMap { $0.filesystem?.sizeClaim }.count, 17)
        for p in twin.partitions {
            XCTAssertLessThanOrEqual(try XCTUnwrap(p.filesystem?.sizeClaim?.claimedBytes), p.sizeBytes)
        }
    }

    func testAWholeDiskFilesystemLargerThanTheDisk() throws {
        let fs = try made("whole.img", mib: 64, "mkfs.ext4 -q -F -b 4096 FILE 2>/dev/null && truncate -s 40M FILE")
        let r = try probe(fs.path)
        XCTAssertEqual(r.filesystem?.sizeClaim?.claimedBytes, 64 << 20)
        let f = try XCTUnwrap(r.findings.first { $0.code == "filesystem-larger-than-container" }, "\(codes(r))")
        XCTAssertEqual(f.evidence["place"], "whole disk")
        XCTAssertEqual(f.evidence["containerBytes"], .number(40 << 20))
        XCTAssertTrue(f.message.contains("on the whole disk"), f.message)
    }
}
