#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A C client library the ledger opens at first use with dlopen(3) instead of linking it, so
/// that a machine without it still runs every command that does not use that backend
/// (docs/LEDGER.md, "Libraries"; docs/RELEASE.md, "What the binary links against").
///
/// `SQLiteLibrary` and `PQLibrary` each load theirs once, in a `static let` (which Swift
/// initialises once, thread-safely) and keep the handle for the life of the process.
struct ClientLibrary {
    /// The backend that needs it, for messages ("the SQLite ledger").
    let backend: String
    /// The soname (`libsqlite3.so.0`).
    let soname: String
    /// The Debian package that installs it (`libsqlite3-0`).
    let package: String
    /// The test-only environment variable that replaces the soname with a path, so that tests
    /// can run the real binary as on a machine without the library (docs/LEDGER.md).
    let overrideVariable: String

    /// The name dlopen is given: the override when set and not empty, else the soname.
    var fileName: String {
        if let value = getenv(overrideVariable).map({ String(cString: $0) }), !value.isEmpty { return value }
        return soname
    }

    /// The one-line error when the library or one of its functions cannot be had.
    func unavailable(_ reason: String) -> LedgerError {
        let line = reason.split(whereSeparator: \.isNewline).joined(separator: "; ")
        return LedgerError(.unreachable, "\(backend) needs \(soname) (Debian: apt-get install \(package)): \(line)")
    }

    /// Opens the library, or throws `unavailable` with dlerror's words.
    func open() throws(LedgerError) -> Handle {
        let name = fileName
        guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) else {
            throw unavailable(Self.lastError() ?? "\(name) cannot be loaded")
        }
        return Handle(library: self, handle: handle)
    }

    static func lastError() -> String? { dlerror().map { String(cString: $0) } }

    /// An opened library. It is never closed: the functions resolved from it live as long as the process.
    struct Handle {
        let library: ClientLibrary
        let handle: UnsafeMutableRawPointer

        /// The function `name` as the C type `T` (a function-pointer typedef of the shim
        /// header, taken from the library's own prototype), or `unavailable`.
        func function<T>(_ name: String, as type: T.Type) throws(LedgerError) -> T {
            _ = dlerror()
            guard let address = dlsym(handle, name) else {
                throw library.unavailable(ClientLibrary.lastError() ?? "\(library.fileName) has no function \(name)")
            }
            return unsafeBitCast(address, to: type)
        }
    }
}
