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
        process = try SocketServer.start("qemu-nbd", arguments, listeningAt: socketPath)
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
