import ArgumentParser
import BlockAccess
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `demo`: runs the repository's Fixtures/demo.sh with this binary, which rebuilds the seed
/// incident, serves it with nbdkit and verifies it. An installed binary (`make install`, the
/// .deb; docs/RELEASE.md) runs the copy installed under PREFIX/share/replica-audit/Fixtures and
/// writes into ./replica-audit-demo/.
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
            correct replication (passes). Needs nbdkit, sgdisk, mkfs.ext4, mkfs.fat, python3 and openssl.

            Installed (make install, or the Debian package), it runs the copy of the script in \
            PREFIX/share/replica-audit/Fixtures/ beside the binary and writes the images and reports \
            into ./replica-audit-demo/ (work/ and reports/) under the current directory. Without the \
            repository or an installed copy it says so and exits 2.
            """)

    /// The examples that end this command's help page.
    static let examples = [
        "replica-audit demo",
    ]

    func run() throws {
        let found = Demo.findScript() ?? Demo.installedScript()
        guard let script = found else {
            printError("replica-audit demo: Fixtures/demo.sh was not found above \(FileManager.default.currentDirectoryPath) "
                       + "or above this executable, nor installed in \(Demo.installedFixtures().path); run it from a checkout "
                       + "of the replica-audit repository (or use 'make demo' there), or reinstall the package")
            throw ExitCode(2)
        }
        var environment = ProcessInfo.processInfo.environment
        if found == Demo.installedScript() {
            // The installed share directory is read-only: images and reports go under the current directory.
            let cwd = FileManager.default.currentDirectoryPath
            guard FileManager.default.isWritableFile(atPath: cwd) else {
                printError("replica-audit demo: the current directory \(cwd) is not writable; the installed demo writes "
                           + "its images and reports into ./replica-audit-demo/ there: cd to a writable directory")
                throw ExitCode(2)
            }
            let base = URL(fileURLWithPath: cwd).appendingPathComponent("replica-audit-demo")
            if environment["DEMO_WORK"] == nil {
                environment["DEMO_WORK"] = base.appendingPathComponent("work").path
                environment["DEMO_WORK_LABEL"] = "replica-audit-demo/work"
            }
            if environment["DEMO_REPORTS"] == nil { environment["DEMO_REPORTS"] = base.appendingPathComponent("reports").path }
        }
        environment["REPLICA_AUDIT_BIN"] = Demo.executablePath()
        // In the script's project directory (the parent of Fixtures/), as before.
        let directory = script.deletingLastPathComponent().deletingLastPathComponent().path
        let outcome = try ChildProcess.run("/bin/bash", ["-c", #"cd -- "$1" && exec /bin/bash "$2""#, "bash", directory, script.path],
                                           environment: environment, quiet: false)
        if outcome.status != 0 { throw ExitCode(outcome.status) }
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

    /// Where `make install` and the Debian package put the demo's fixtures: PREFIX/share/replica-audit/Fixtures
    /// for the binary in PREFIX/bin.
    static func installedFixtures() -> URL {
        URL(fileURLWithPath: executablePath()).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("share/replica-audit/Fixtures").standardizedFileURL
    }

    /// The installed demo script, when there is one.
    static func installedScript() -> URL? {
        let candidate = installedFixtures().appendingPathComponent("demo.sh")
        return FileManager.default.isExecutableFile(atPath: candidate.path) ? candidate : nil
    }

    /// The absolute path of this executable.
    static func executablePath() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}
