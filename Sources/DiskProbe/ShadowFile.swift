#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import BlockAccess
#if canImport(Glibc)
import Glibc
#endif

/// A sparse, anonymous file of a volume's size. Only the regions the probers need are
/// copied into it; everything else reads as zeros. libfdisk and libblkid run on its
/// descriptor. It is a `memfd_create` file when the C library has it (holes then read as the
/// shared zero page), else an unlinked `mkstemp` file; nothing of it outlives `deinit`.
/// All its I/O goes through BlockAccess's `FileDescriptor` (docs/ARCHITECTURE.md, "POSIX funnel").
final class ShadowFile {
    let descriptor: FileDescriptor
    let sizeBytes: UInt64

    /// The raw descriptor, open read-write, for libfdisk and libblkid.
    var fd: Int32 { descriptor.rawValue }

    /// Creates the file and sets its size. The corresponding C functions are
    /// `memfd_create` (or `mkstemp` in `$TMPDIR` and `unlink`) and `ftruncate`.
    init(sizeBytes: UInt64) throws(ProbeError) {
        if let fd = FileDescriptor.memoryFile(name: "replica-audit-shadow") {
            self.descriptor = fd
        } else {
            let dir = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
            do { self.descriptor = try FileDescriptor.unlinkedTemporaryFile(template: "\(dir)/replica-audit-shadow-XXXXXX") } catch {
                throw ShadowFile.error("mkstemp in \(dir)", error)
            }
        }
        self.sizeBytes = sizeBytes
        // Stored: deinit closes it on every throw below.
        guard off_t(exactly: sizeBytes) != nil else {
            throw ProbeError(kind: .shadow, operation: "ftruncate", message: "size \(sizeBytes) is too large")
        }
        do { try descriptor.truncate(to: sizeBytes) } catch { throw ShadowFile.error("ftruncate to \(sizeBytes) bytes", error) }
    }

    deinit { descriptor.close() }

    /// Writes `bytes` at `offset`. The corresponding C function is `pwrite`.
    func write(_ bytes: [UInt8], at offset: UInt64) throws(ProbeError) {
        let failure = bytes.withUnsafeBytes { raw -> ProbeError? in
            do throws(ProbeError) { try write(raw, at: offset); return nil } catch { return error }
        }
        if let failure { throw failure }
    }

    /// Writes the bytes of `raw` at `offset`, without copying them first. The corresponding C
    /// function is `pwrite`.
    func write(_ raw: UnsafeRawBufferPointer, at offset: UInt64) throws(ProbeError) {
        guard !raw.isEmpty else { return }
        do { try descriptor.write(raw, at: offset) } catch { throw ShadowFile.error("pwrite at \(offset)", error.errno) }
    }

    /// Reads `count` bytes at `offset` (zeros past what was written). The corresponding C
    /// function is `pread`. The buffer is filled by the read, not zero-filled before it.
    func read(at offset: UInt64, count: Int) throws(ProbeError) -> [UInt8] {
        var failure: ProbeError?
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            do throws(ProbeError) { try read(into: UnsafeMutableRawBufferPointer(buffer), at: offset) } catch {
                buffer.initialize(repeating: 0)
                failure = error
            }
            initialized = count
        }
        if let failure { throw failure }
        return bytes
    }

    /// Reads `buffer.count` bytes at `offset` into `buffer` (zeros past the end). The
    /// corresponding C function is `pread`.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws(ProbeError) {
        let done: Int
        do { done = try descriptor.read(into: buffer, at: offset) } catch { throw ShadowFile.error("pread at \(offset)", error.errno) }
        if done < buffer.count {
            UnsafeMutableRawBufferPointer(rebasing: buffer[done...]).initializeMemory(as: UInt8.self, repeating: 0)
        }
    }

    private static func error(_ operation: String, _ code: Errno) -> ProbeError {
        ProbeError(kind: .shadow, operation: operation, message: code.message)
    }
}
