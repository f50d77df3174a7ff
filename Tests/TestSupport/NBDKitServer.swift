import Foundation

/// A hermetic nbdkit server for one test: its own Unix socket in a fresh temporary
/// directory, `--exit-with-parent`, stopped when the value is released.
///
/// `nbdkit --filter=log` can be added with `logRequests: true`; `requestCounts()` then
/// tells which NBD commands the client sent.
public final class NBDKitServer: @unchecked Sendable {
    public let socketPath: String
    public let logPath: String?
    public let process: Process
    private let dir: URL

    /// Starts `nbdkit [filters] PLUGIN ARGS…` on a Unix socket and waits until it listens.
    /// - Parameters:
    ///   - plugin: e.g. `"file"`, `"memory"`, `"null"`.
    ///   - args: plugin and filter parameters, e.g. `["file=/tmp/x.img"]`.
    ///   - filters: e.g. `["error"]`; the log filter is added first (outermost) when
    ///     `logRequests` is true, so it sees exactly what the client sent.
    ///   - exportName: optional export name (`-e`).
    ///   - extraOptions: other nbdkit options, e.g. `["--tls=require", "--tls-psk=FILE"]`.
    public init(plugin: String, args: [String], filters: [String] = [], logRequests: Bool = false,
                exportName: String? = nil, extraOptions: [String] = []) throws {
        dir = try TemporaryDirectory.make(prefix: "nbdkit")
        socketPath = dir.appendingPathComponent("sock").path
        logPath = logRequests ? dir.appendingPathComponent("requests.log").path : nil
        var arguments = ["-f", "--exit-with-parent", "-U", socketPath]
        if let exportName { arguments += ["-e", exportName] }
        arguments += extraOptions
        if logRequests { arguments.append("--filter=log") }
        arguments += filters.map { "--filter=\($0)" }
        arguments.append(plugin)
        arguments += args
        if let logPath { arguments.append("logfile=\(logPath)") }
        process = try SocketServer.start("nbdkit", arguments, listeningAt: socketPath)
    }

    /// `nbd+unix:///EXPORT?socket=PATH`.
    public func uri(export: String = "") -> String { "nbd+unix:///\(export)?socket=\(socketPath)" }

    /// Stops the server (SIGTERM) and waits for it.
    public func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// Kills the server at once (SIGKILL), as a crash would.
    public func kill() {
        if process.isRunning {
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: dir)
    }

    /// How many requests of each NBD command the log filter saw, e.g. `["Read": 12, "BlockStatus": 3]`.
    public func requestCounts() throws -> [String: Int] {
        guard let logPath else { throw ToolError("server was started without logRequests") }
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        var counts: [String: Int] = [:]
        // Lines look like: "2026-… connection=1 Read id=1 offset=0x0 count=0x200 ..."
        // and the reply "… connection=1 ...Read id=1 return=0 (Success)". Count requests only.
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ")
            guard let idx = words.firstIndex(where: { $0.hasPrefix("connection=") }), idx + 1 < words.count else { continue }
            let command = words[idx + 1]
            guard !command.hasPrefix("..."), words.contains(where: { $0.hasPrefix("id=") }) else { continue }
            counts[String(command), default: 0] += 1
        }
        return counts
    }
}
