#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// Whether a volume would refuse the copy's writes. Asked only by `preflight` (README.md,
/// "Before the copy: preflight"); nothing here writes: the NBD flag comes from the handshake,
/// a block device's from the `BLKROGET` ioctl on a read-only descriptor, a file's from its
/// mode bits and its file system's mount flags.
public enum VolumeWritability {
    /// Why `volume` refuses writes, or nil when nothing says it does.
    public static func refusal(of volume: any Volume) -> String? {
        if let nbd = volume as? NBDVolume {
            return nbd.isReadOnlyExport ? "the NBD server exports it read-only (NBD_FLAG_READ_ONLY)" : nil
        }
        if case .file(let path) = volume.target { return refusal(path: path) }
        return nil
    }

    /// Why the file or block device at `path` refuses writes, or nil.
    public static func refusal(path: String) -> String? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        if st.st_mode & S_IFMT == S_IFBLK {
            if let fd = try? FileDescriptor.open(path, O_RDONLY | O_NONBLOCK) {
                defer { fd.close() }
                if (try? fd.blockDeviceIsReadOnly()) == true { return "the block device is read-only (BLKROGET)" }
            }
        }
        var vfs = statvfs()
        if statvfs(path, &vfs) == 0, vfs.f_flag & 1 != 0 {  // ST_RDONLY
            return "it lies on a read-only file system"
        }
        if st.st_mode & S_IFMT == S_IFREG, st.st_mode & 0o222 == 0 {
            return "the image file has no write permission (mode \(String(st.st_mode & 0o7777, radix: 8)))"
        }
        if getuid() != 0, access(path, W_OK) != 0 {
            return "this user may not write it (\(Errno.current.message))"
        }
        return nil
    }
}
