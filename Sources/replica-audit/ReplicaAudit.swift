import ArgumentParser
import AuditCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import BlockAccess

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
                      Preflight.self, Devices.self, Attest.self, Findings.self,
                      WaveCommand.self, LedgerCommand.self,  // issue 13
                      CanaryCommand.self]  // issue 14
    )

    /// The examples that end this command's help page.
    static let examples = [
        "replica-audit verify --inventory inv.json --nbd-targets 2000:nbd://10.0.0.5/vol-a,2001:nbd://10.0.0.5/vol-b",
    ]
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
                let examples = ReplicaAudit.examplesSection(for: CommandLine.arguments)
                if !message.isEmpty { print((examples.isEmpty ? message : message.trimmingNewlines()) + examples) }
                exit(0)
            }
            if !message.isEmpty { StandardStream.error.write(TerminalText.output(message) + "\n") }
            exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}

extension ReplicaAudit {
    /// Every help page ends with examples: "EXAMPLES:" and the examples of the command the
    /// arguments ask help for (`help verify`, `verify --help`, `verify -h`), or the root's.
    /// Empty when the arguments do not ask for help (e.g. `--version`).
    static func examplesSection(for arguments: [String]) -> String {
        let words = Array(arguments.dropFirst())
        guard words.contains(where: { $0 == "help" || $0 == "--help" || $0 == "-h" }) else { return "" }
        let commands: [(String, [String])] = [
            ("inspect", Inspect.examples), ("verify", Verify.examples), ("capture", Capture.examples),
            ("inventory", InventoryCommand.examples), ("compare", Compare.examples), ("demo", Demo.examples),
            ("attest", Attest.examples), ("findings", Findings.examples), ("wave", WaveCommand.examples),
            ("ledger", LedgerCommand.examples),  // issue 13
            ("canary", CanaryCommand.examples),  // issue 14
        ]
        let examples = words.lazy.compactMap { word in commands.first { $0.0 == word }?.1 }.first ?? ReplicaAudit.examples
        return "\n\nEXAMPLES:\n" + examples.map { "  " + $0 }.joined(separator: "\n")
    }
}

/// Writes a line to standard error, control characters escaped (an argument or a label
/// echoed in an error can never drive the terminal; README, "Output and untrusted text").
func printError(_ text: String) {
    StandardStream.error.write(TerminalText.output(text) + "\n")
}
