#if canImport(Glibc)
import Glibc
#endif

/// The POSIX funnel (docs/ARCHITECTURE.md, "POSIX funnel"): every `pread`, `pwrite`,
/// `ioctl`, `lseek(SEEK_DATA/SEEK_HOLE)` and `memfd_create` of the tool goes through this
/// type, so the EINTR and short-transfer loops are written once and errors come back as a
/// typed `Errno`. A value type over the raw descriptor, in the style of swift-system; it
/// does not own the descriptor: whoever opened it calls `close()` once.
public struct FileDescriptor: Hashable, Sendable {
    public let rawValue: Int32

    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// A failed transfer: the error and the absolute offset at which it happened.
    public struct TransferError: Error, Sendable, Equatable {
        public var errno: Errno
        public var offset: UInt64
    }

    // MARK: Opening and closing

    /// `open(2)`; `O_CLOEXEC` is always added.
    public static func open(_ path: String, _ flags: Int32, permissions: mode_t = 0) throws(Errno) -> FileDescriptor {
        let fd = Glibc.open(path, flags | O_CLOEXEC, permissions)
        guard fd >= 0 else { throw Errno.current }
        return FileDescriptor(rawValue: fd)
    }

    /// An anonymous file, `memfd_create(name, MFD_CLOEXEC)`; nil when the C library lacks it
    /// (it is looked up at run time because Glibc's Swift module does not export it) or it fails.
    public static func memoryFile(name: String) -> FileDescriptor? {
        typealias MemfdCreate = @convention(c) (UnsafePointer<CChar>, UInt32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "memfd_create") else { return nil }
        let create = unsafeBitCast(symbol, to: MemfdCreate.self)
        let fd = create(name, MemoryFileFlags.closeOnExec)
        return fd >= 0 ? FileDescriptor(rawValue: fd) : nil
    }

    /// `memfd_create` flags from <linux/memfd.h>.
    public enum MemoryFileFlags {
        public static let closeOnExec: UInt32 = 0x0001  // MFD_CLOEXEC
    }

    /// A temporary file made by `mkstemp` from `template` (ending in XXXXXX) and unlinked at
    /// once, so that nothing of it outlives the descriptor.
    public static func unlinkedTemporaryFile(template: String) throws(Errno) -> FileDescriptor {
        var bytes = Array(template.utf8CString)
        let fd = bytes.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw Errno.current }
        bytes.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        return FileDescriptor(rawValue: fd)
    }

    /// `close(2)`; an error is reported, the descriptor is gone either way.
    @discardableResult
    public func close() -> Errno? { Glibc.close(rawValue) == 0 ? nil : Errno.current }

    // MARK: Status

    /// `fstat(2)`.
    public func status() throws(Errno) -> stat {
        var st = stat()
        guard fstat(rawValue, &st) == 0 else { throw Errno.current }
        return st
    }

    /// `stat(2)` of a path (following links).
    public static func status(ofPath path: String) throws(Errno) -> stat {
        var st = stat()
        guard stat(path, &st) == 0 else { throw Errno.current }
        return st
    }

    /// `ftruncate(2)`.
    public func truncate(to size: UInt64) throws(Errno) {
        guard let length = off_t(exactly: size) else { throw Errno(rawValue: EFBIG) }
        guard ftruncate(rawValue, length) == 0 else { throw Errno.current }
    }

    // MARK: Transfers

    /// Reads up to `buffer.count` bytes at `offset` with `pread(2)`, retrying on EINTR and
    /// after short reads. Returns the bytes read: fewer than asked only at end of file.
    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws(TransferError) -> Int {
        var done = 0
        while done < buffer.count {
            let n = pread(rawValue, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
            if n < 0 {
                let e = Errno.current
                if e == .interrupted { continue }
                throw TransferError(errno: e, offset: offset + UInt64(done))
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// Flushes the file's data and metadata to storage (`fsync(2)`).
    public func sync() throws(Errno) {
        guard fsync(rawValue) == 0 else { throw Errno.current }
    }

    /// Writes all of `bytes` at `offset` with `pwrite(2)`, retrying on EINTR and after short writes.
    public func write(_ bytes: UnsafeRawBufferPointer, at offset: UInt64) throws(TransferError) {
        var done = 0
        while done < bytes.count {
            let n = pwrite(rawValue, bytes.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done))
            if n < 0 {
                let e = Errno.current
                if e == .interrupted { continue }
                throw TransferError(errno: e, offset: offset + UInt64(done))
            }
            done += n
        }
    }

    /// Writes all of `bytes` at the current position with `write(2)`, retrying on EINTR and
    /// after short writes.
    public func writeAll(_ bytes: UnsafeRawBufferPointer) throws(Errno) {
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(rawValue, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                let e = Errno.current
                if e == .interrupted { continue }
                throw e
            }
            done += n
        }
    }

    // MARK: Sparse files

    /// `lseek(fd, offset, SEEK_DATA)`: where the next data at or after `offset` starts.
    /// Throws ENXIO when only a hole follows.
    public func nextData(from offset: UInt64) throws(Errno) -> UInt64 { try seek(offset, FileDescriptor.seekData) }

    /// `lseek(fd, offset, SEEK_HOLE)`: where the next hole at or after `offset` starts (the
    /// end of the file counts as one).
    public func nextHole(from offset: UInt64) throws(Errno) -> UInt64 { try seek(offset, FileDescriptor.seekHole) }

    // lseek whence values from <unistd.h> under _GNU_SOURCE, which Glibc does not import.
    static let seekData: Int32 = 3
    static let seekHole: Int32 = 4

    private func seek(_ offset: UInt64, _ whence: Int32) throws(Errno) -> UInt64 {
        let r = lseek(rawValue, off_t(offset), whence)
        guard r >= 0 else { throw Errno.current }
        return UInt64(r)
    }

    // MARK: ioctl

    /// `ioctl(2)` with a pointer argument: `request` fills `value`.
    public func control<T: BitwiseCopyable>(_ request: IOControl, _ value: inout T) throws(Errno) {
        let result = withUnsafeMutablePointer(to: &value) { ioctl(rawValue, request.rawValue, UnsafeMutableRawPointer($0)) }
        guard result == 0 else { throw Errno.current }
    }

    /// A block device's size in bytes (`BLKGETSIZE64`).
    public func blockDeviceSize() throws(Errno) -> UInt64 {
        var size: UInt64 = 0
        try control(.blockDeviceSize64, &size)
        return size
    }

    /// A block device's logical sector size (`BLKSSZGET`).
    public func blockDeviceLogicalSectorSize() throws(Errno) -> Int {
        var size: Int32 = 0
        try control(.logicalSectorSize, &size)
        return Int(size)
    }

    /// Whether a block device is set read-only (`BLKROGET`).
    public func blockDeviceIsReadOnly() throws(Errno) -> Bool {
        var ro: Int32 = 0
        try control(.readOnly, &ro)
        return ro != 0
    }

    /// A terminal's width in columns (`TIOCGWINSZ`); nil when it is not a terminal or says 0.
    public func terminalColumns() -> Int? {
        var size = winsize()
        guard (try? control(.terminalWindowSize, &size)) != nil, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }
}

/// ioctl request numbers, named (Linux values from <linux/fs.h> and <asm-generic/ioctls.h>).
public struct IOControl: Hashable, Sendable {
    public let rawValue: UInt

    public init(rawValue: UInt) { self.rawValue = rawValue }

    /// `_IOR(0x12, 114, size_t)`: a block device's size in bytes, as UInt64.
    public static let blockDeviceSize64 = IOControl(rawValue: 0x8008_1272)  // BLKGETSIZE64
    /// `_IO(0x12, 104)`: a block device's logical sector size, as Int32.
    public static let logicalSectorSize = IOControl(rawValue: 0x1268)  // BLKSSZGET
    /// `_IO(0x12, 94)`: whether a block device is read-only, as Int32.
    public static let readOnly = IOControl(rawValue: 0x125E)  // BLKROGET
    /// A terminal's window size, as `winsize`.
    public static let terminalWindowSize = IOControl(rawValue: UInt(TIOCGWINSZ))
}
