import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An image file or a block device, opened `O_RDONLY`.
///
/// Size comes from `fstat` for regular files and `BLKGETSIZE64` for block devices; the
/// logical sector size from `BLKSSZGET` for block devices, else 512 unless overridden.
/// Block status uses `SEEK_DATA`/`SEEK_HOLE`.
public final class FileVolume: Volume, @unchecked Sendable {
    public let target: Target
    public let sizeBytes: UInt64
    public let logicalSectorSize: Int
    public let sectorSizeOrigin: SectorSizeOrigin
    public let supportsBlockStatus: Bool
    public var displayName: String { target.redacted }

    private let lock = NSLock()
    private var fd: Int32

    /// Opens `path` read-only. The corresponding C function is `open(2)` with `O_RDONLY`.
    public init(path: String, sectorSize: Int? = nil) throws(VolumeError) {
        let target = Target.file(path: path)
        self.target = target
        var st = stat()
        // Refuse FIFOs and directories before open: opening a FIFO read-only blocks.
        if stat(path, &st) != 0 {
            let e = errno
            throw VolumeError(kind: .unreachable, operation: "stat", target: path,
                              message: String(cString: strerror(e)), errno: e)
        }
        let fmt = st.st_mode & S_IFMT
        guard fmt == S_IFREG || fmt == S_IFBLK else {
            if fmt == S_IFSOCK {
                throw VolumeError(kind: .invalidTarget, operation: "open", target: path,
                                  message: "a Unix socket, not an image file or block device; to read the NBD export "
                                      + "served on it, give nbd+unix:///?socket=\(path) (or nbd+unix:///EXPORT?socket=\(path))")
            }
            let what = fmt == S_IFDIR ? "a directory" : fmt == S_IFIFO ? "a FIFO" : fmt == S_IFCHR ? "a character device" : "not a regular file or block device"
            throw VolumeError(kind: .invalidTarget, operation: "open", target: path,
                              message: "\(what); expected an image file or a block device")
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)
        if fd < 0 {
            let e = errno
            throw VolumeError(kind: .unreachable, operation: "open", target: path,
                              message: String(cString: strerror(e)), errno: e)
        }
        self.fd = fd
        // From here the descriptor is stored; deinit closes it on every throw below.
        var fst = stat()
        if fstat(fd, &fst) != 0 {
            let e = errno
            throw VolumeError(kind: .unreachable, operation: "fstat", target: path,
                              message: String(cString: strerror(e)), errno: e)
        }
        if (fst.st_mode & S_IFMT) == S_IFBLK {
            var size: UInt64 = 0
            if ioctl(fd, FileVolume.BLKGETSIZE64, &size) != 0 {
                let e = errno
                throw VolumeError(kind: .unreachable, operation: "BLKGETSIZE64", target: path,
                                  message: String(cString: strerror(e)), errno: e)
            }
            var ssz: Int32 = 512
            if ioctl(fd, FileVolume.BLKSSZGET, &ssz) != 0 { ssz = 512 }
            self.sizeBytes = size
            self.logicalSectorSize = sectorSize ?? Int(ssz)
            self.sectorSizeOrigin = sectorSize == nil ? .blockDevice : .forced
            self.supportsBlockStatus = false
        } else {
            self.sizeBytes = UInt64(fst.st_size)
            self.logicalSectorSize = sectorSize ?? 512
            self.sectorSizeOrigin = sectorSize == nil ? .assumed : .forced
            self.supportsBlockStatus = true
        }
    }

    // _IOR(0x12, 114, size_t) and _IO(0x12, 104) on Linux.
    static let BLKGETSIZE64: UInt = 0x8008_1272
    static let BLKSSZGET: UInt = 0x1268
    // lseek whence values from <unistd.h> under _GNU_SOURCE, which Glibc does not import.
    static let SEEK_DATA: Int32 = 3
    static let SEEK_HOLE: Int32 = 4

    deinit { if fd >= 0 { Glibc.close(fd) } }

    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws(VolumeError) {
        try checkRange(offset: offset, count: buffer.count)
        lock.lock(); defer { lock.unlock() }
        guard fd >= 0 else {
            throw VolumeError(kind: .closed, operation: "pread", target: displayName, message: "volume is closed")
        }
        var done = 0
        while done < buffer.count {
            let n = pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
            if n < 0 {
                let e = errno
                if e == EINTR { continue }
                throw VolumeError(kind: .readFailed, operation: "pread", target: displayName,
                                  message: "at offset \(offset + UInt64(done)): \(String(cString: strerror(e)))", errno: e)
            }
            if n == 0 {
                throw VolumeError(kind: .shortRead, operation: "pread", target: displayName,
                                  message: "end of file at offset \(offset + UInt64(done)), \(buffer.count - done) bytes short")
            }
            done += n
        }
    }

    public func extents(offset: UInt64, length: UInt64) throws(VolumeError) -> [Extent] {
        let end = min(offset + length, sizeBytes)
        guard offset < end else { return [] }
        guard supportsBlockStatus else { return [Extent(offset: offset, length: end - offset, hole: false, zero: false)] }
        lock.lock(); defer { lock.unlock() }
        guard fd >= 0 else {
            throw VolumeError(kind: .closed, operation: "lseek", target: displayName, message: "volume is closed")
        }
        var result: [Extent] = []
        var pos = offset
        while pos < end {
            let data = lseek(fd, off_t(pos), FileVolume.SEEK_DATA)
            if data < 0 {
                if errno == ENXIO {  // no more data: the rest is a hole
                    result.append(Extent(offset: pos, length: end - pos, hole: true, zero: true))
                    break
                }
                // SEEK_DATA unsupported: everything is data.
                result.append(Extent(offset: pos, length: end - pos, hole: false, zero: false))
                break
            }
            let dataStart = min(UInt64(data), end)
            if dataStart > pos {
                result.append(Extent(offset: pos, length: dataStart - pos, hole: true, zero: true))
                pos = dataStart
                if pos >= end { break }
            }
            let hole = lseek(fd, off_t(pos), FileVolume.SEEK_HOLE)
            let dataEnd = hole < 0 ? end : min(UInt64(hole), end)
            result.append(Extent(offset: pos, length: dataEnd - pos, hole: false, zero: false))
            pos = dataEnd
        }
        return result
    }

    public func close() {
        lock.lock(); defer { lock.unlock() }
        if fd >= 0 { Glibc.close(fd); fd = -1 }
    }
}
