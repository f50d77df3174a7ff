#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import AuditCore
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

    private let lock = Lock()
    private var fd: FileDescriptor?

    /// Opens `path` read-only. The corresponding C function is `open(2)` with `O_RDONLY`.
    public init(path: String, sectorSize: Int? = nil) throws(VolumeError) {
        let target = Target.file(path: path)
        self.target = target
        // Refuse FIFOs and directories before open: opening a FIFO read-only blocks.
        let st: stat
        do { st = try FileDescriptor.status(ofPath: path) } catch {
            throw VolumeError(kind: .unreachable, operation: "stat", target: path, message: error.message, errno: error.rawValue)
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
        let fd: FileDescriptor
        do { fd = try FileDescriptor.open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK) } catch {
            throw VolumeError(kind: .unreachable, operation: "open", target: path, message: error.message, errno: error.rawValue)
        }
        self.fd = fd
        // From here the descriptor is stored; deinit closes it on every throw below.
        let fst: stat
        do { fst = try fd.status() } catch {
            throw VolumeError(kind: .unreachable, operation: "fstat", target: path, message: error.message, errno: error.rawValue)
        }
        if (fst.st_mode & S_IFMT) == S_IFBLK {
            let size: UInt64
            do { size = try fd.blockDeviceSize() } catch {
                throw VolumeError(kind: .unreachable, operation: "BLKGETSIZE64", target: path, message: error.message, errno: error.rawValue)
            }
            let ssz = (try? fd.blockDeviceLogicalSectorSize()).flatMap { SectorSize.isValid($0) ? $0 : nil } ?? 512
            self.sizeBytes = size
            self.logicalSectorSize = sectorSize ?? ssz
            self.sectorSizeOrigin = sectorSize == nil ? .blockDevice : .forced
            self.supportsBlockStatus = false
        } else {
            self.sizeBytes = UInt64(fst.st_size)
            self.logicalSectorSize = sectorSize ?? 512
            self.sectorSizeOrigin = sectorSize == nil ? .assumed : .forced
            self.supportsBlockStatus = true
        }
    }

    deinit { fd?.close() }

    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws(VolumeError) {
        try checkRange(offset: offset, count: buffer.count)
        lock.lock(); defer { lock.unlock() }
        guard let fd else {
            throw VolumeError(kind: .closed, operation: "pread", target: displayName, message: "volume is closed")
        }
        let done: Int
        do { done = try fd.read(into: buffer, at: offset) } catch {
            throw VolumeError(kind: .readFailed, operation: "pread", target: displayName,
                              message: "at offset \(error.offset): \(error.errno.message)", errno: error.errno.rawValue)
        }
        if done < buffer.count {
            throw VolumeError(kind: .shortRead, operation: "pread", target: displayName,
                              message: "end of file at offset \(offset + UInt64(done)), \(buffer.count - done) bytes short")
        }
    }

    public func extents(offset: UInt64, length: UInt64) throws(VolumeError) -> [Extent] {
        let end = min(offset + length, sizeBytes)
        guard offset < end else { return [] }
        guard supportsBlockStatus else { return [Extent(offset: offset, length: end - offset, hole: false, zero: false)] }
        lock.lock(); defer { lock.unlock() }
        guard let fd else {
            throw VolumeError(kind: .closed, operation: "lseek", target: displayName, message: "volume is closed")
        }
        var result: [Extent] = []
        var pos = offset
        while pos < end {
            let data: UInt64
            do { data = try fd.nextData(from: pos) } catch {
                if error == .noSuchDeviceOrAddress {  // no more data: the rest is a hole
                    result.append(Extent(offset: pos, length: end - pos, hole: true, zero: true))
                    break
                }
                // SEEK_DATA unsupported: everything is data.
                result.append(Extent(offset: pos, length: end - pos, hole: false, zero: false))
                break
            }
            let dataStart = min(data, end)
            if dataStart > pos {
                result.append(Extent(offset: pos, length: dataStart - pos, hole: true, zero: true))
                pos = dataStart
                if pos >= end { break }
            }
            let dataEnd = (try? fd.nextHole(from: pos)).map { min($0, end) } ?? end
            result.append(Extent(offset: pos, length: dataEnd - pos, hole: false, zero: false))
            pos = dataEnd
        }
        return result
    }

    public func close() {
        lock.lock(); defer { lock.unlock() }
        fd?.close(); fd = nil
    }
}
