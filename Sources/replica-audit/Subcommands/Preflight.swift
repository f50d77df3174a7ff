import ArgumentParser
import AuditCore
import BlockAccess
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Ledger
import Reporting
import SourceInventory
import Verification

/// `preflight`: run before the copy (README.md, "Before the copy: preflight"). Checks the
/// mapping without opening anything, then each target's size, flags and first and last MiB.
/// Exits 0 ready, 1 blocked, 2 usage or input error, 3 could not check.
struct Preflight: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preflight",
        abstract: "Check the destination volumes before the copy: mapping, sizes, what they already hold.",
        discussion: """
            Run by the replication pipeline before a single byte is written. The mapping is checked \
            first, and any problem (duplicate-target, also two spellings of one export or device; \
            unmapped-disk; unknown-disk; volume-not-found) blocks before any volume is opened. Then \
            each target is opened read-only: a volume even one byte smaller than its disk blocks \
            (target-smaller-than-source); its first and last MiB are read and reported as blank or \
            as what they carry (target-not-blank); a target that refuses writes is target-read-only; a target this machine \
            is using (mounted, swap, held by LVM/md/dm-crypt, an image attached as a loop device) \
            blocks (target-in-use). \
            Reports (preflight.json, junit.xml, report.md, summary.txt) go to --report-dir, by default \
            Reports/<vm>-preflight-<UTC time>/. Give preflight.json to 'verify --preflight' after the copy.

            Exit codes: 0 ready, 1 blocked, 2 usage or input error, 3 could not check (a target \
            could not be opened or read, and nothing blocks).
            """)

    @OptionGroup var selection: InventorySelection

    @OptionGroup var destinations: TargetMappingOptions

    @Option(name: .customLong("report-dir"), help: "Where to write the reports (default Reports/<vm>-preflight-<UTC time>/).")
    var reportDir: String?

    @Option(help: "Output on stdout: text (a line per disk) or json (preflight.json).")
    var format: OutputFormat = .text

    @Option(help: "How many volumes to check at once.")
    var jobs: Int = 4

    @OptionGroup var volume: VolumeOptionsGroup

    @OptionGroup var provenanceOptions: ProvenanceOptions

    @OptionGroup var ledgerOptions: LedgerOptions

    func validate() throws {
        _ = try selection.path()  // --inventory is optional only for verify --canary
        guard (1...64).contains(jobs) else { throw ValidationError("--jobs must be between 1 and 64") }
    }

    func run() throws {
        let started = Date()
        // A key that cannot sign stops the run before any volume is read.
        let signingKey = try provenanceOptions.signingKey()
        let inventory = try selection.load()
        // The inventory is hashed now, as it was read.
        var provenance = provenanceOptions.provenance(startedAt: started, inputs: [("inventory", try selection.path())])
        let (assignments, resolved) = try destinations.assignments(inventory: inventory, keepUnknown: true)
        ledgerOptions.precheck()

        let run = PreflightRun(inventory: inventory, targets: assignments, volumes: resolved, jobs: jobs,
                               options: volume.volumeOptions)
        var report = run.execute(tool: ToolInfo(version: ReplicaAudit.configuration.version),
                                 startedAt: ReportClock.iso8601(started), now: { ReportClock.iso8601(Date()) })

        let directory = reportDir.map { URL(fileURLWithPath: $0) }
            ?? PreflightReports.defaultDirectory(base: URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                                                 vm: inventory.vm.name, at: started)
        provenance.finishedAt = ReportClock.iso8601(Date())
        report.provenance = provenance
        var writeFailure: Error?
        do {
            try PreflightReports.write(report, to: directory)
            if let signingKey { try Attestation.sign(report, in: directory, key: signingKey) } else { Attestation.removeStale(in: directory) }
        } catch { writeFailure = error }
        let summary = PreflightReports.text(report, reportDirectory: writeFailure == nil ? directory.path : nil)
        switch format {
        case .text:
            print(summary)
        case .json:
            StandardStream.output.write(try PreflightReports.json(report))
            printError(summary)
        }
        if let signingKey, writeFailure == nil {
            printError("note: reports signed: \(directory.path)/\(Attestation.fileName) (key \(AttestationKeys.keyID(signingKey.publicKey).prefix(16)))")
        }
        // The ledger after the local reports: one that cannot be written exits 2 (docs/LEDGER.md).
        if let draft = try LedgerDrafts.preflight(report) {
            try ledgerOptions.record(draft, reportDirectory: writeFailure == nil ? directory.path : nil)
        }
        if let writeFailure {
            printError("replica-audit: the reports could not be written to \(directory.path): \(Errno.reason(writeFailure))")
            throw ExitCode(2)
        }
        if report.verdict != .ready { throw ExitCode(report.verdict.exitCode) }
    }
}
