#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// A C library error number, typed: its symbolic name (`ENOENT`) and `strerror` text.
/// The one place errno is read is `Errno.current`, right after the failing call inside
/// `FileDescriptor` (docs/ARCHITECTURE.md, "POSIX funnel").
public struct Errno: Error, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32

    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The calling thread's errno, read now.
    public static var current: Errno { Errno(rawValue: Glibc.errno) }

    /// `strerror`'s text, e.g. "No such file or directory".
    public var message: String { String(cString: strerror(rawValue)) }

    /// The symbolic name, e.g. "ENOENT", or "errno N" for one not listed.
    public var name: String { Errno.names[rawValue] ?? "errno \(rawValue)" }

    public var description: String { "\(name): \(message)" }

    public static let interrupted = Errno(rawValue: EINTR)
    public static let noSuchFile = Errno(rawValue: ENOENT)
    public static let noSuchDeviceOrAddress = Errno(rawValue: ENXIO)
    public static let invalidArgument = Errno(rawValue: EINVAL)
    public static let notPermitted = Errno(rawValue: EPERM)
    public static let permissionDenied = Errno(rawValue: EACCES)
    public static let noSpace = Errno(rawValue: ENOSPC)
    public static let notDirectory = Errno(rawValue: ENOTDIR)
    public static let exists = Errno(rawValue: EEXIST)
    public static let tooManyLinks = Errno(rawValue: ELOOP)
    public static let protocolNotSupported = Errno(rawValue: EPROTONOSUPPORT)

    private static let names: [Int32: String] = [
        EPERM: "EPERM", ENOENT: "ENOENT", EINTR: "EINTR", EIO: "EIO", ENXIO: "ENXIO", EBADF: "EBADF",
        EAGAIN: "EAGAIN", ENOMEM: "ENOMEM", EACCES: "EACCES", EBUSY: "EBUSY", EEXIST: "EEXIST",
        ENODEV: "ENODEV", ENOTDIR: "ENOTDIR", EISDIR: "EISDIR", EINVAL: "EINVAL", EMFILE: "EMFILE",
        ENOTTY: "ENOTTY", EFBIG: "EFBIG", ENOSPC: "ENOSPC", ESPIPE: "ESPIPE", EROFS: "EROFS",
        ELOOP: "ELOOP", ENOSYS: "ENOSYS", EOVERFLOW: "EOVERFLOW", EPROTONOSUPPORT: "EPROTONOSUPPORT",
        ECONNREFUSED: "ECONNREFUSED", ETIMEDOUT: "ETIMEDOUT",
    ]
}


extension Errno {
    /// A one-line reason for a failed file operation (FoundationEssentials' `CocoaError`
    /// carries the `errno` as its underlying `POSIXError`): "No such file or directory",
    /// in place of full Foundation's `localizedDescription` (docs/RELEASE.md).
    public static func reason(_ error: any Error) -> String {
        if let posix = error as? POSIXError { return Errno(rawValue: posix.code.rawValue).message }
        if let errno = error as? Errno { return errno.message }
        if let cocoa = error as? CocoaError {
            if let posix = cocoa.userInfo["NSUnderlyingError"] as? POSIXError { return Errno(rawValue: posix.code.rawValue).message }
            switch cocoa.code {
            case .fileNoSuchFile, .fileReadNoSuchFile: return Errno.noSuchFile.message
            case .fileReadNoPermission, .fileWriteNoPermission: return Errno(rawValue: EACCES).message
            case .fileReadCorruptFile, .fileReadInapplicableStringEncoding: return "the file is not valid UTF-8 text"
            default: return "file error \(cocoa.code.rawValue)"
            }
        }
        return String(describing: error)
    }
}
