import ArgumentParser
import Foundation

/// `demo`: runs the repository's Fixtures/demo.sh with this binary, which rebuilds the seed
/// incident, serves it with nbdkit and verifies it.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Rebuild the seed incident and verify it.",
        discussion: """
            Runs Fixtures/demo.sh from the replica-audit source repository (looked for above the \
            current directory and above this executable), with this binary: it builds the seed \
            incident's sparse images into .work/demo, serves them with nbdkit on Unix sockets, runs \
            preflight on the appliance's mapping (blocked before the copy), and runs verify three times into Reports/demo/ — the appliance's broken mapping \
            (duplicate-target), the contaminated volume (fails and names the contamination), and a \
            correct replication (passes). Needs nbdkit, sgdisk, mkfs.ext4, mkfs.fat and python3. \
            Without the repository it says so and exits 2.
            """)

    /// The examples that end this command's help page.
    static let examples = [
        "replica-audit demo",
    ]

    func run() throws {
        guard let script = Demo.findScript() else {
            printError("replica-audit demo: Fixtures/demo.sh was not found above \(FileManager.default.currentDirectoryPath) "
                       + "or above this executable; run it from a checkout of the replica-audit repository (or use 'make demo' there)")
            throw ExitCode(2)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script.path]
        var environment = ProcessInfo.processInfo.environment
        environment["REPLICA_AUDIT_BIN"] = Demo.executablePath()
        process.environment = environment
        process.currentDirectoryURL = script.deletingLastPathComponent().deletingLastPathComponent()
        try process.run()
        process.waitUntilExit()
        if process.terminationStatus != 0 { throw ExitCode(process.terminationStatus) }
    }

    /// Fixtures/demo.sh in the nearest ancestor of the current directory or of this executable.
    static func findScript() -> URL? {
        let starts = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                      URL(fileURLWithPath: executablePath()).deletingLastPathComponent()]
        for start in starts {
            var dir = start.standardizedFileURL
            while true {
                let candidate = dir.appendingPathComponent("Fixtures/demo.sh")
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
                let parent = dir.deletingLastPathComponent()
                if parent.path == dir.path { break }
                dir = parent
            }
        }
        return nil
    }

    /// The absolute path of this executable.
    static func executablePath() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}
