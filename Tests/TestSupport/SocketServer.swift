import Foundation

/// Starting a server that listens on a Unix socket, shared by `NBDKitServer` and
/// `QEMUNBDServer`: run `tool` with `arguments` and wait (10 s at most) until `socketPath`
/// exists; if the server exits first, its stderr is in the error.
enum SocketServer {
    static func start(_ tool: String, _ arguments: [String], listeningAt socketPath: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Tools.require(tool))
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        let errPipe = Pipe()
        process.standardError = errPipe
        try process.run()
        let deadline = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: socketPath) {
            if !process.isRunning {
                let err = String(decoding: errPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                throw ToolError("\(tool) exited before listening: \(arguments.joined(separator: " "))\n\(err)")
            }
            if Date() > deadline { process.terminate(); throw ToolError("\(tool) did not listen within 10 s") }
            usleep(10_000)
        }
        return process
    }
}
