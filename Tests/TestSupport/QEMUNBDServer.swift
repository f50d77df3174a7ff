import Foundation

/// A real `qemu-nbd` serving one image read-only on a Unix socket for one test, the way
/// people run it: by default one client at a time (`--shared=1`) and exiting after that
/// client leaves (no `--persistent`). Stopped when released.
public final class QEMUNBDServer: @unchecked Sendable {
    public let socketPath: String
    public let process: Process
    private let dir: URL

    /// Starts `qemu-nbd --read-only --format=FORMAT --socket=SOCK [--persistent] [--shared=N] IMAGE`
    /// and waits until it listens.
    public init(image: String, format: String = "raw", persistent: Bool = false, shared: Int? = nil) throws {
        dir = try TemporaryDirectory.make(prefix: "qemu-nbd")
        socketPath = dir.appendingPathComponent("sock").path
        var arguments = ["--read-only", "--format=\(format)", "--socket=\(socketPath)"]
        if persistent { arguments.append("--persistent") }
        if let shared { arguments.append("--shared=\(shared)") }
        arguments.append(image)
        process = Process()
        process.executableURL = URL(fileURLWithPath: try Tools.require("qemu-nbd"))
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        let errPipe = Pipe()
        process.standardError = errPipe
        try process.run()
        let deadline = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: socketPath) {
            if !process.isRunning {
                let err = String(decoding: errPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                throw ToolError("qemu-nbd exited before listening: \(arguments.joined(separator: " "))\n\(err)")
            }
            if Date() > deadline { process.terminate(); throw ToolError("qemu-nbd did not listen within 10 s") }
            usleep(10_000)
        }
    }

    /// `nbd+unix:///?socket=PATH`.
    public var uri: String { "nbd+unix:///?socket=\(socketPath)" }

    /// Whether the server is still running (without --persistent it exits after its client).
    public var isRunning: Bool { process.isRunning }

    /// Stops the server (SIGTERM) and waits for it.
    public func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: dir)
    }
}
