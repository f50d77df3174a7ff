import Foundation
import TestSupport
import XCTest
@testable import BlockAccess

/// The POSIX funnel (docs/ARCHITECTURE.md, "POSIX funnel"): `FileDescriptor` is the one
/// place that calls `pread`, `pwrite`, `ioctl` and reads `errno`; these tests run it against
/// real files, a real loop device, and scan Sources/ for calls that bypass it.
final class POSIXFunnelTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws { dir = try TemporaryDirectory.make(prefix: "posix") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func testReadStopsAtEndOfFileAndReportsHowMuch() throws {
        let path = dir.appendingPathComponent("f").path
        try Data("0123456789".utf8).write(to: URL(fileURLWithPath: path))
        let fd = try FileDescriptor.open(path, O_RDONLY)
        defer { fd.close() }
        var buffer = [UInt8](repeating: 0xAA, count: 8)
        let got = try buffer.withUnsafeMutableBytes { try fd.read(into: $0, at: 6) }
        XCTAssertEqual(got, 4)
        XCTAssertEqual(Array(buffer[0..<4]), Array("6789".utf8))
        XCTAssertEqual(buffer[4], 0xAA, "bytes past end of file are left untouched")
        XCTAssertEqual(try fd.status().st_size, 10)
    }

    func testErrorsAreTypedWithNameAndMessage() throws {
        XCTAssertThrowsError(try FileDescriptor.open(dir.appendingPathComponent("missing").path, O_RDONLY)) { error in
            XCTAssertEqual(error as? Errno, .noSuchFile)
            XCTAssertEqual((error as? Errno)?.name, "ENOENT")
            XCTAssertEqual((error as? Errno)?.message, "No such file or directory")
        }
        // A write-only descriptor refuses reads: EBADF, with the offset the read was at.
        let path = dir.appendingPathComponent("w").path
        let fd = try FileDescriptor.open(path, O_WRONLY | O_CREAT, permissions: 0o600)
        defer { fd.close() }
        var buffer = [UInt8](repeating: 0, count: 4)
        XCTAssertThrowsError(try buffer.withUnsafeMutableBytes { try fd.read(into: $0, at: 100) }) { error in
            let failure = error as? FileDescriptor.TransferError
            XCTAssertEqual(failure?.errno.name, "EBADF")
            XCTAssertEqual(failure?.offset, 100)
        }
        XCTAssertEqual(Errno(rawValue: 9999).name, "errno 9999")
    }

    func testMemoryFileWritesReadsAndSeeksHoles() throws {
        let fd = try XCTUnwrap(FileDescriptor.memoryFile(name: "posix-test"), "memfd_create is available on Linux")
        defer { fd.close() }
        try fd.truncate(to: 4 << 20)
        let payload = [UInt8](repeating: 0x5A, count: 70_000)
        try payload.withUnsafeBytes { try fd.write($0, at: 2 << 20) }
        var back = [UInt8](repeating: 0, count: payload.count)
        XCTAssertEqual(try back.withUnsafeMutableBytes { try fd.read(into: $0, at: 2 << 20) }, payload.count)
        XCTAssertEqual(back, payload)
        let data = try fd.nextData(from: 0)
        XCTAssertLessThanOrEqual(data, 2 << 20)
        XCTAssertGreaterThan(try fd.nextHole(from: 2 << 20), 2 << 20)
        // ioctl on a file that is no block device: ENOTTY, typed.
        XCTAssertThrowsError(try fd.blockDeviceSize()) { XCTAssertEqual(($0 as? Errno)?.name, "ENOTTY") }
        XCTAssertNil(fd.terminalColumns())
    }

    func testUnlinkedTemporaryFileLeavesNothingBehind() throws {
        let fd = try FileDescriptor.unlinkedTemporaryFile(template: dir.path + "/t-XXXXXX")
        defer { fd.close() }
        try Array("abc".utf8).withUnsafeBytes { try fd.writeAll($0) }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [])
        XCTAssertEqual(try fd.status().st_size, 3)
    }

    /// A real block device: size, logical sector size and the read-only flag by ioctl.
    func testBlockDeviceIoctls() throws {
        let image = dir.appendingPathComponent("disk.img").path
        try Tools.sh("truncate -s 8M '\(image)'")
        let loop = try LoopDevice(image: image, sectorSize: 4096)
        defer { loop.detach() }
        let fd = try FileDescriptor.open(loop.path, O_RDONLY | O_NONBLOCK)
        defer { fd.close() }
        XCTAssertEqual(try fd.blockDeviceSize(), 8 << 20)
        XCTAssertEqual(try fd.blockDeviceLogicalSectorSize(), 4096)
        XCTAssertTrue(try fd.blockDeviceIsReadOnly())
        XCTAssertEqual(VolumeWritability.refusal(path: loop.path), "the block device is read-only (BLKROGET)")
    }

    /// No source file outside Sources/BlockAccess/POSIX calls `pread(`, `pwrite(`, `ioctl(`
    /// or reads the C `errno` itself: they go through `FileDescriptor` and `Errno`. libnbd's
    /// own calls (`nbd_pread`, `nbd_aio_pread`, `nbd_get_errno`) are not POSIX and are allowed;
    /// so are `VolumeError`'s stored `errno` field (`error.errno`, `self.errno`) and `errno:` labels.
    func testNoRawPOSIXCallsOutsideTheFunnel() throws {
        let sources = Repository.root.appendingPathComponent("Sources")
        let funnel = sources.appendingPathComponent("BlockAccess/POSIX").path
        let raw = try NSRegularExpression(pattern: #"(?<![A-Za-z0-9_.])(pread|pwrite|ioctl|strerror)\s*\(|(?<![A-Za-z0-9_.])errno\b(?!\s*[:)]|\s+\w+\s*:)"#)
        var offenders: [String] = []
        var scanned = 0
        let files = FileManager.default.enumerator(atPath: sources.path)!.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
        for file in files {
            let path = sources.appendingPathComponent(file).path
            if path.hasPrefix(funnel) { continue }
            scanned += 1
            let text = try String(contentsOfFile: path, encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let code = line.trimmingCharacters(in: .whitespaces)
                if code.hasPrefix("//") { continue }
                let s = String(line)
                let stripped = s.replacingOccurrences(of: #""([^"\\]|\\.)*""#, with: "\"\"", options: .regularExpression)
                if raw.firstMatch(in: stripped, range: NSRange(stripped.startIndex..., in: stripped)) != nil {
                    offenders.append("\(file):\(number + 1): \(code)")
                }
            }
        }
        XCTAssertGreaterThan(scanned, 100, "the scan found too few sources under \(sources.path)")
        XCTAssertEqual(offenders, [], "raw POSIX calls outside Sources/BlockAccess/POSIX; use FileDescriptor/Errno")
    }
}
