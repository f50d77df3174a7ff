import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A sparse, unlinked temporary file of a volume's size. Only the regions the probers
/// need are copied into it; everything else reads as zeros. libfdisk and libblkid run on
/// its descriptor. Nothing of it remains on disk: it is unlinked at once and closed in
/// `deinit`.
final class ShadowFile {
    /// The descriptor, open read-write.
    let fd: Int32
    let sizeBytes: UInt64

    /// Creates the file in `$TMPDIR` (or /tmp) and sets its size. The corresponding C
    /// functions are `mkstemp`, `unlink` and `ftruncate`.
    init(sizeBytes: UInt64) throws(ProbeError) {
        let dir = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(dir)/replica-audit-shadow-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if fd < 0 { throw ShadowFile.error("mkstemp in \(dir)") }
        self.fd = fd
        self.sizeBytes = sizeBytes
        // Stored: deinit closes it on every throw below.
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        guard let length = off_t(exactly: sizeBytes) else {
            throw ProbeError(kind: .shadow, operation: "ftruncate", message: "size \(sizeBytes) is too large")
        }
        if ftruncate(fd, length) != 0 { throw ShadowFile.error("ftruncate to \(sizeBytes) bytes") }
    }

    deinit { Glibc.close(fd) }

    /// Writes `bytes` at `offset`. The corresponding C function is `pwrite`.
    func write(_ bytes: [UInt8], at offset: UInt64) throws(ProbeError) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ShadowFile.error("pwrite at \(offset)")
            }
            done += n
        }
    }

    /// Reads `count` bytes at `offset` (zeros past what was written). The corresponding C
    /// function is `pread`.
    func read(at offset: UInt64, count: Int) throws(ProbeError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(offset) + off_t(done)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ShadowFile.error("pread at \(offset)")
            }
            if n == 0 { break }
            done += n
        }
        return bytes
    }

    private static func error(_ operation: String) -> ProbeError {
        ProbeError(kind: .shadow, operation: operation, message: String(cString: strerror(errno)))
    }
}
