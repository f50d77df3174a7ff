#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import AuditCore
#if canImport(Glibc)
import Glibc
#endif

/// Where a volume lives: an NBD URI (`nbd://`, `nbd+unix://`, `nbds://`, `nbds+unix://`)
/// or a local image file / block device path.
public enum Target: Sendable, Hashable, CustomStringConvertible {
    case nbd(uri: String)
    case file(path: String)

    static let nbdSchemes = ["nbd", "nbds", "nbd+unix", "nbds+unix", "nbd+vsock", "nbds+vsock"]

    /// Parses a target string. Anything with a `scheme://` prefix must be an NBD URI;
    /// anything else is a local path.
    public init(parsing text: String) throws(VolumeError) {
        let trimmed = text.trimmingWhitespace()
        if trimmed.isEmpty {
            throw VolumeError(kind: .invalidTarget, operation: "parse target", target: "(empty)",
                              message: "the target is empty")
        }
        if let range = trimmed.firstRange(of: "://") {
            let scheme = trimmed[..<range.lowerBound].lowercased()
            guard Target.nbdSchemes.contains(scheme) else {
                throw VolumeError(
                    kind: .invalidTarget, operation: "parse target", target: Target.redact(trimmed),
                    message: "unsupported URI scheme '\(scheme)'; use nbd://, nbd+unix://, nbds:// or nbds+unix://, or a file path")
            }
            self = .nbd(uri: trimmed)
        } else {
            self = .file(path: trimmed)
        }
    }

    public var description: String { redacted }

    /// Whether the target uses TLS (`nbds…`).
    public var usesTLS: Bool {
        if case .nbd(let uri) = self { return uri.lowercased().hasPrefix("nbds") }
        return false
    }

    /// The target for reports and logs: passwords in user info and every query parameter
    /// other than `socket` and `tls-username` have their values replaced by `REDACTED`;
    /// scheme, host, port, export and socket stay, so the target remains identifiable.
    public var redacted: String {
        switch self {
        case .file(let path): path
        case .nbd(let uri): Target.redact(uri)
        }
    }

    /// Redacts on the text as typed, so an error or report echoes the argument itself
    /// (no percent-encoding): the password of the user info and every query value other
    /// than `socket`, `tls-username` and `tls` become `REDACTED`.
    static func redact(_ uri: String) -> String {
        var out = uri
        // The authority: after "://", up to the first '/', '?' or '#'.
        if let schemeEnd = out.firstRange(of: "://") {
            let authorityEnd = out[schemeEnd.upperBound...].firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? out.endIndex
            let authority = out[schemeEnd.upperBound..<authorityEnd]
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                out.replaceSubrange(out.index(after: colon)..<at, with: "REDACTED")
            }
        }
        guard let question = out.firstIndex(of: "?") else { return out }
        let queryEnd = out[question...].firstIndex(of: "#") ?? out.endIndex
        let query = out[out.index(after: question)..<queryEnd]
        let items = query.split(separator: "&", omittingEmptySubsequences: false).map { item -> String in
            guard let equals = item.firstIndex(of: "=") else { return String(item) }
            let name = item[..<equals].lowercased()
            let keep = ["socket", "tls-username", "tls"].contains(PathText.percentDecoded(name) ?? name)
            return keep ? String(item) : String(item[..<equals]) + "=REDACTED"
        }
        out.replaceSubrange(out.index(after: question)..<queryEnd, with: items.joined(separator: "&"))
        return out
    }

    /// One spelling per host: lower case, no trailing dot, IP addresses in their canonical
    /// text form (`0:0:0:0:0:0:0:1` → `::1`, `[FE80::0001]` → `fe80::1`), and the loopback
    /// addresses 127.0.0.1 and ::1 (and an empty host) as `localhost`.
    static func canonicalHost(_ raw: String) -> String {
        var host = raw.lowercased()
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.hasSuffix("."), host.count > 1 { host.removeLast() }
        var v4 = in_addr()
        var v6 = in6_addr()
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        if inet_pton(AF_INET, host, &v4) == 1, inet_ntop(AF_INET, &v4, &buffer, socklen_t(buffer.count)) != nil {
            host = Self.string(fromNulTerminated: buffer)
        } else if inet_pton(AF_INET6, host, &v6) == 1, inet_ntop(AF_INET6, &v6, &buffer, socklen_t(buffer.count)) != nil {
            host = Self.string(fromNulTerminated: buffer)
        }
        if host.isEmpty || host == "127.0.0.1" || host == "::1" { return "localhost" }
        return host
    }

    /// The text of a NUL-terminated C buffer (what inet_ntop writes).
    private static func string(fromNulTerminated buffer: [CChar]) -> String {
        let bytes = buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A normalized identity: two spellings of the same export (same socket or host:port,
    /// same export name) give the same string. Used to find duplicate targets.
    public var identity: String {
        switch self {
        case .file(let path):
            // One block device under two nodes (/dev/vdb and a by-id link's target made
            // elsewhere with mknod) is one device: compared by st_rdev (README.md, --volume).
            var st = stat()
            if stat(path, &st) == 0, st.st_mode & S_IFMT == S_IFBLK {
                let (major, minor) = VolumeIDResolver.majorMinor(UInt64(st.st_rdev))
                return "block:\(major):\(minor)"
            }
            // A file with several hard links has no one canonical path: its inode names it.
            if stat(path, &st) == 0, st.st_mode & S_IFMT == S_IFREG, st.st_nlink > 1 {
                return "file-inode:\(st.st_dev):\(st.st_ino)"
            }
            let url = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath()
            return "file:" + url.path
        case .nbd(let uri):
            guard let comps = URLComponents(string: uri) else { return "nbd:" + uri }
            let scheme = (comps.scheme ?? "nbd").lowercased()
            let tls = scheme.hasPrefix("nbds")
            var export = PathText.percentDecoded(comps.percentEncodedPath) ?? comps.path
            if export.hasPrefix("/") { export.removeFirst() }
            let transport = tls ? String(scheme.dropFirst(4)) : String(scheme.dropFirst(3))
            if transport == "+unix" {
                let socket = comps.queryItems?.first(where: { $0.name == "socket" })?.value ?? ""
                let path = URL(fileURLWithPath: socket).standardizedFileURL.resolvingSymlinksInPath().path
                return "nbd+unix:\(path)/\(export)"
            }
            let host = Target.canonicalHost(comps.host ?? "")
            let port = comps.port ?? 10809
            return "nbd:\(host):\(port)/\(export)"
        }
    }
}
