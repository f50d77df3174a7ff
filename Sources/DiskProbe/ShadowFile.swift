import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A sparse, anonymous file of a volume's size. Only the regions the probers need are
/// copied into it; everything else reads as zeros. libfdisk and libblkid run on its
/// descriptor. It is a `memfd_create` file when the C library has it (holes then read as the
/// shared zero page), else an unlinked `mkstemp` file; nothing of it outlives `deinit`.
final class ShadowFile {
    /// The descriptor, open read-write.
    let fd: Int32
    let sizeBytes: UInt64

    /// Creates the file and sets its size. The corresponding C functions are
    /// `memfd_create` (or `mkstemp` in `$TMPDIR` and `unlink`) and `ftruncate`.
    init(sizeBytes: UInt64) throws(ProbeError) {
        if let fd = ShadowFile.memfd() {
            self.fd = fd
        } else {
            let dir = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
            var template = Array("\(dir)/replica-audit-shadow-XXXXXX".utf8CString)
            let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            if fd < 0 { throw ShadowFile.error("mkstemp in \(dir)") }
            template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
            self.fd = fd
        }
        self.sizeBytes = sizeBytes
        // Stored: deinit closes it on every throw below.
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

    /// `memfd_create("replica-audit-shadow", MFD_CLOEXEC)`, looked up at run time because
    /// Glibc's Swift module does not export it; nil when unavailable or failing.
    private static func memfd() -> Int32? {
        typealias MemfdCreate = @convention(c) (UnsafePointer<CChar>, UInt32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "memfd_create") else { return nil }
        let create = unsafeBitCast(symbol, to: MemfdCreate.self)
        let fd = create("replica-audit-shadow", 1)  // MFD_CLOEXEC
        return fd >= 0 ? fd : nil
    }

    /// Reads `buffer.count` bytes at `offset` into `buffer` (zeros past the end). The
    /// corresponding C function is `pread`.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws(ProbeError) {
        var done = 0
        while done < buffer.count {
            let n = pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                throw ShadowFile.error("pread at \(offset)")
            }
            if n == 0 {
                UnsafeMutableRawBufferPointer(rebasing: buffer[done...]).initializeMemory(as: UInt8.self, repeating: 0)
                return
            }
            done += n
        }
    }

    private static func error(_ operation: String) -> ProbeError {
        ProbeError(kind: .shadow, operation: operation, message: String(cString: strerror(errno)))
    }
}
