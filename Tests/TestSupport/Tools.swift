import Foundation

/// An error from the test harness itself (a tool missing, a fixture failing to build).
public struct ToolError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Finds and runs the external tools the tests use. A missing tool fails the test loudly;
/// `make test` installs them first.
public enum Tools {
    /// The absolute path of `name` on PATH (plus /usr/sbin and /sbin), or a thrown error.
    public static func require(_ name: String) throws -> String {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/sbin:/sbin:/usr/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw ToolError("required tool '\(name)' is not installed; run 'make test' (it installs the Debian packages)")
    }

    /// The result of a finished command.
    public struct Result: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    /// Runs a command to completion, capturing output. Throws when it cannot start or
    /// (with `check`) exits non-zero.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], check: Bool = true,
                           environment: [String: String]? = nil, timeout: TimeInterval = 300) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : try require(executable))
        process.arguments = arguments
        if let environment {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        let dir = try TemporaryDirectory.make(prefix: "run")
        defer { try? FileManager.default.removeItem(at: dir) }
        let outURL = dir.appendingPathComponent("out"), errURL = dir.appendingPathComponent("err")
        try Data().write(to: outURL)
        try Data().write(to: errURL)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if Date() > deadline {
                process.terminate()
                process.waitUntilExit()
                throw ToolError("\(executable) \(arguments.joined(separator: " ")) did not finish within \(Int(timeout)) s")
            }
            usleep(5_000)
        }
        try out.close(); try err.close()
        let result = Result(status: process.terminationStatus,
                            stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
                            stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
        if check, result.status != 0 {
            throw ToolError("\(executable) \(arguments.joined(separator: " ")) exited \(result.status)\n\(result.stderr)")
        }
        return result
    }

    /// Runs a shell snippet with bash.
    @discardableResult
    public static func sh(_ script: String, check: Bool = true) throws -> Result {
        try run("/bin/bash", ["-euo", "pipefail", "-c", script], check: check)
    }
}

/// Fresh temporary directories under `$TMPDIR` (or /var/tmp, which holds sparse files well).
public enum TemporaryDirectory {
    public static func make(prefix: String) throws -> URL {
        let base = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/var/tmp"
        let url = URL(fileURLWithPath: base).appendingPathComponent("ra-\(prefix)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Paths inside the repository, found from this source file's location.
public enum Repository {
    /// The repository root.
    public static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// `Fixtures/NAME`.
    public static func fixture(_ name: String) -> URL { root.appendingPathComponent("Fixtures").appendingPathComponent(name) }

    /// Under `make test-asan` the test runner itself runs without leak detection (XCTest and
    /// Foundation keep allocations alive at exit), while every `replica-audit` it starts
    /// gets `REPLICA_AUDIT_CHILD_ASAN_OPTIONS` — leak detection on. ASan read the runner's own
    /// options at start-up, so changing the environment now affects only the children.
    private static let childSanitizerOptions: Void = {
        if let options = ProcessInfo.processInfo.environment["REPLICA_AUDIT_CHILD_ASAN_OPTIONS"] {
            setenv("ASAN_OPTIONS", options, 1)
        }
    }()

    /// The built `replica-audit` binary, next to the test bundle (`.build/<config>/`).
    public static func binary() throws -> String {
        _ = childSanitizerOptions
        if let env = ProcessInfo.processInfo.environment["REPLICA_AUDIT_BIN"] { return env }
        var dir = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("replica-audit").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        for config in ["debug", "release"] {
            let candidate = root.appendingPathComponent(".build/\(config)/replica-audit").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw ToolError("replica-audit binary not found; build it with 'swift build' first")
    }

    /// Runs the built `replica-audit` with `arguments`.
    public static func runTool(_ arguments: [String], timeout: TimeInterval = 300) throws -> Tools.Result {
        try Tools.run(try binary(), arguments, check: false, timeout: timeout)
    }
}
