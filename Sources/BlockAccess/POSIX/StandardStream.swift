#if canImport(Glibc)
import Glibc
#endif

/// Writing to stdout and stderr without full Foundation's `FileHandle` (docs/RELEASE.md,
/// "Foundation and start-up"), through `FileDescriptor.writeAll` (EINTR and short writes
/// retried). A stream that fails (EPIPE, EBADF, ENOSPC) drops the rest of that write.
public enum StandardStream: Sendable {
    case output, error

    public var descriptor: FileDescriptor { FileDescriptor(rawValue: self == .output ? STDOUT_FILENO : STDERR_FILENO) }

    /// `bytes`, all of them.
    public func write<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        let done: Void? = bytes.withContiguousStorageIfAvailable { try? descriptor.writeAll(UnsafeRawBufferPointer($0)) }
        if done == nil { Array(bytes).withUnsafeBytes { try? descriptor.writeAll($0) } }
    }

    /// `text` as UTF-8.
    public func write(_ text: String) {
        var text = text
        text.withUTF8 { try? descriptor.writeAll(UnsafeRawBufferPointer($0)) }
    }
}
