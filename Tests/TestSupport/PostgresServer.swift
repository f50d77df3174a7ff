import Foundation

/// A real PostgreSQL server for the tests (issue 13): started once per test process by
/// `scripts/pg-test-server.sh` on a private port and socket directory in a temporary
/// directory (as the `postgres` user when the tests run as root), and stopped when the
/// process exits. Each test takes a fresh database with `makeDatabase()`.
public final class PostgresServer: @unchecked Sendable {
    /// The data, socket and log directory.
    public let directory: URL
    public let port: Int
    /// The server's own database as a URL: postgres://postgres@127.0.0.1:PORT/postgres.
    public let url: String

    /// The directory of the Unix socket (for `?host=` URLs).
    public var socketDirectory: String { directory.appendingPathComponent("socket").path }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var started: PostgresServer?
    nonisolated(unsafe) private static var startError: ToolError?

    /// The server of this test process, started on first use.
    public static func shared() throws -> PostgresServer {
        lock.lock()
        defer { lock.unlock() }
        if let started { return started }
        if let startError { throw startError }
        do {
            let server = try PostgresServer()
            started = server
            atexit { PostgresServer.stopShared() }
            return server
        } catch {
            startError = ToolError("the test PostgreSQL server did not start: \(error)")
            throw startError!
        }
    }

    /// Stops the shared server and removes its directory (at exit).
    static func stopShared() {
        guard let server = started else { return }
        started = nil
        server.stop()
    }

    private init() throws {
        // /tmp: the postgres user must be able to reach the directory.
        directory = URL(fileURLWithPath: "/tmp").appendingPathComponent("ra-pg-\(getpid())-\(UUID().uuidString.prefix(6))")
        let result = try Tools.run("/bin/bash", [Self.script, "start", directory.path], timeout: 120)
        url = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let portText = url.split(separator: ":").last?.split(separator: "/").first, let port = Int(portText) else {
            throw ToolError("scripts/pg-test-server.sh printed no URL: \(result.stdout) \(result.stderr)")
        }
        self.port = port
    }

    /// scripts/pg-test-server.sh in the repository.
    static var script: String { Repository.root.appendingPathComponent("scripts/pg-test-server.sh").path }

    public func stop() {
        _ = try? Tools.run("/bin/bash", [Self.script, "stop", directory.path], check: false, timeout: 60)
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs SQL with psql against `database` (the server's own by default); fails on any error.
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres") throws -> String {
        let result = try Tools.run("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-tA", "-h", "127.0.0.1", "-p", String(port),
                                            "-U", "postgres", "-d", database, "-c", sql], timeout: 60)
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A new, empty database; answers its URL over TCP.
    public func makeDatabase(prefix: String = "ledger") throws -> (name: String, url: String) {
        let name = "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
        try psql("CREATE DATABASE \(name)")
        return (name, "postgres://postgres@127.0.0.1:\(port)/\(name)")
    }
}
