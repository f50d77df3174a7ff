import ArgumentParser
import Foundation

/// The root command. Subcommands only wire options to the library layers and turn their
/// results into exit codes (docs/CONTRACT.md).
struct ReplicaAudit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replica-audit",
        abstract: "Post-replication forensic verifier for VM disks copied over NBD.",
        discussion: """
            Reads every destination volume (NBD export, image file or block device) read-only, \
            parses its partition table and signatures, and checks it against the VMware source \
            inventory: sizes, label geometry, identities, and cross-disk contamination.

            Exit codes (verify): 0 pass, 1 fail, 2 usage or input error, 3 inconclusive.
            Exit codes (compare): 0 identical, 1 different, 2 error.
            """,
        version: "0.1.0",
        subcommands: [Inspect.self, Verify.self, Capture.self, InventoryCommand.self, Compare.self, Demo.self,
                      Preflight.self, Devices.self]
    )
}

/// Entry point: runs the command and maps argument errors to exit code 2 (the contract's
/// "usage or input error"), where ArgumentParser would use 64.
@main
enum Main {
    static func main() {
        signal(SIGPIPE, SIG_IGN)
        do {
            var command = try ReplicaAudit.parseAsRoot()
            try command.run()
        } catch {
            let code = ReplicaAudit.exitCode(for: error)
            let message = ReplicaAudit.fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                exit(0)
            }
            if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
            exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}

/// Writes a line to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
