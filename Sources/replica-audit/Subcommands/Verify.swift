import ArgumentParser
import AuditCore
import BlockAccess
import Canary
import ContentCheck
import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import Ledger
import Reporting
import SourceInventory
import Verification

/// `verify`: reads every destination volume and checks it against the inventory, and
/// against the sources or a baseline when given; writes the four reports; exits 0 pass,
/// 1 fail, 2 usage or input error, 3 inconclusive.
struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify destination volumes against the source inventory.",
        discussion: """
            Every volume is opened read-only and probed (at most --jobs at once). The mapping is \
            checked first: keys that share one target are not read (duplicate-target). Reports \
            (report.json, junit.xml, report.md, report.html) go to --report-dir, by default \
            Reports/<vm>-<UTC time>/.

            Exit codes: 0 pass, 1 fail, 2 usage or input error, 3 inconclusive (something could \
            not be read, and nothing failed). 'replica-audit findings' explains every finding code.
            """)

    /// The examples that end this command's help page.
    static let examples = [
        "govc vm.info -json pgtest1 > inv.json",
        "replica-audit verify --inventory inv.json --nbd-targets 2000:nbd://10.0.0.5/vol-a,2001:nbd://10.0.0.5/vol-b",
        "replica-audit verify --inventory inv.json --target \"Hard disk 1=/dev/vdb\" --target \"Hard disk 2=/dev/vdc\"",
        "replica-audit verify --canary canary1/canary.json --nbd-targets 2000:nbd://10.0.0.5/vol-a,2001:nbd://10.0.0.5/vol-b",
    ]

    @OptionGroup var selection: InventorySelection

    @OptionGroup var destinations: TargetMappingOptions

    @OptionGroup var sources: SourceMappingOptions

    @Option(help: "A preflight.json written by 'preflight' before the copy: findings on bytes it already saw say so.")
    var preflight: String?

    @Option(help: "A canary manifest (DIR/canary.json from 'canary create'): read every canary block of every target and report own, other-disk, shifted, not-written, stale and mismatched blocks. Also the inventory, unless --inventory is given.")
    var canary: String?

    @Option(help: "A baseline written by 'capture', used instead of live sources.")
    var baseline: String?

    @Option(name: .customLong("baseline-public-key"),
            help: "Check the baseline's signature (BASELINE.dsse.json, written by 'capture --sign-key') with this Ed25519 public key (PEM) before any volume is read.")
    var baselinePublicKey: String?

    @Option(help: "Content comparison: none, sample or full (default: sample with sources or a baseline, else none).")
    var content: ContentMode?

    @Option(help: "Seed for the sampled content comparison (default: random; recorded in the report).")
    var seed: UInt64?

    @Option(name: .customLong("report-dir"), help: "Where to write the reports (default Reports/<vm>-<UTC time>/).")
    var reportDir: String?

    @Option(help: "Output on stdout: text (a line per disk) or json (report.json).")
    var format: OutputFormat = .text

    @Option(help: "How many volumes to probe at once.")
    var jobs: Int = 4

    @Flag(name: .customLong("no-progress"), help: "Never show the progress of --content full.")
    var noProgress = false

    @Option(name: .customLong("progress-interval"),
            help: "Seconds between progress lines of --content full when stderr is not a terminal (a terminal gets one line redrawn in place).")
    var progressInterval: Double = 10

    @OptionGroup var volume: VolumeOptionsGroup

    @OptionGroup var provenanceOptions: ProvenanceOptions

    @OptionGroup var ledgerOptions: LedgerOptions

    func validate() throws {
        if selection.inventory == nil, canary == nil {
            throw ValidationError("give the source inventory with --inventory FILE (or a canary manifest with --canary DIR/canary.json)")
        }
        if baselinePublicKey != nil, baseline == nil { throw ValidationError("--baseline-public-key checks the signature of a --baseline; give the baseline too") }
        guard (1...64).contains(jobs) else { throw ValidationError("--jobs must be between 1 and 64") }
        guard progressInterval >= 0.1, progressInterval <= 3600 else { throw ValidationError("--progress-interval must be between 0.1 and 3600 seconds") }
        switch ReferenceChoice.problem(content: content, hasSources: sources.given, hasBaseline: baseline != nil) {
        case .sourcesAndBaseline?: throw ValidationError("--baseline replaces the sources; give one or the other")
        case .contentWithoutReference(let content)?:
            throw ValidationError("--content \(content.rawValue) needs sources (--nbd-sources, --source) or a --baseline to compare with")
        case .fullWithBaseline?:
            throw ValidationError("--content full compares every byte with the live sources; a baseline holds only samples (use --content sample)")
        case nil: break
        }
    }

    func run() throws {
        let started = Date()
        // A key that cannot sign stops the run before any volume is read.
        let signingKey = try provenanceOptions.signingKey()
        // Issue 14: the canary manifest is checked whole before anything is read.
        let canaryManifest: CanaryManifest?
        do { canaryManifest = try canary.map { path throws(CanaryError) in try CanaryManifest.load(path: path) } } catch {
            printError("replica-audit: --canary \(error.message)")
            throw ExitCode(2)
        }
        let inventory = try selection.load(implied: canary)
        if let canaryManifest {
            let keys = Set(canaryManifest.disks.map(\.key))
            if !inventory.disks.contains(where: { keys.contains($0.key) }) {
                printError("replica-audit: --canary \(canary ?? ""): none of its disks (\(keys.sorted().joined(separator: ", "))) is in the inventory "
                           + "(\(inventory.disks.map(\.key).joined(separator: ", "))); give the canary's own inventory or leave --inventory out")
                throw ExitCode(2)
            }
        }
        let (assignments, resolved) = try destinations.assignments(inventory: inventory)
        var preflightReport: PreflightReport?
        if let preflight {
            do { preflightReport = try PreflightReports.load(path: preflight) } catch {
                printError("replica-audit: \(error)")
                throw ExitCode(2)
            }
        }
        let sourceAssignments = sources.given ? try sources.assignments(inventory: inventory) : []
        // A target that is a source is a mapping error: stop before reading anything.
        let selfSourced = MappingCheck.targetsThatAreSources(targets: assignments, sources: sourceAssignments)
        if !selfSourced.isEmpty {
            for finding in selfSourced { printError("replica-audit: \(finding.code): \(finding.message)") }
            throw ExitCode(2)
        }
        let loadedBaseline: Baseline?
        if let baseline {
            do { loadedBaseline = try Baseline.load(path: baseline) } catch {
                printError("replica-audit: \(error)")
                throw ExitCode(2)
            }
        } else {
            loadedBaseline = nil
        }
        let baselineSignature = try baselinePublicKey.map { try checkBaselineSignature(baseline: baseline ?? "", publicKey: $0) }
        // The input files are hashed now, as they were read, before any volume is.
        var provenance = provenanceOptions.provenance(
            startedAt: started,
            inputs: [("inventory", try selection.path(implied: canary))] + (baseline.map { [("baseline", $0)] } ?? [])
                + (canary.flatMap { selection.inventory != nil && selection.inventory != $0 ? [("canary", $0)] : nil } ?? [])
                + (preflight.map { [("preflight", $0)] } ?? []))
        if let index = provenance.inputs.firstIndex(where: { $0.role == "baseline" }) {
            provenance.inputs[index].signature = baselineSignature
        }

        if let refusal = (assignments + sourceAssignments).lazy.compactMap({ ImageContainer.unservable($0.target) }).first {
            printError("replica-audit: \(refusal)")
            throw ExitCode(2)
        }
        // Where the reports go is checked (and the directory made) before anything is
        // read: a typo must not cost hours of reading (README, "Reports").
        let directory = reportDir.map { URL(fileURLWithPath: $0) }
            ?? ReportWriter.defaultDirectory(base: URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                                             vm: inventory.vm.name, at: started)
        do {
            try OutputLocation.prepareDirectory(directory.path, option: reportDir != nil ? "--report-dir" : "the report directory",
                                                createParents: reportDir == nil)
        } catch {
            printError("replica-audit: \(error)")
            throw ExitCode(2)
        }
        ledgerOptions.precheck()

        // The header at once; the summary follows when everything is read.
        let summaryFD = format == .text ? STDOUT_FILENO : STDERR_FILENO
        let style = TerminalStyle.detect(fd: summaryFD)
        let references: ReferenceKind = sources.given ? .sources : (loadedBaseline != nil ? .baseline : .none)
        emit(TerminalSummary.header(vm: inventory.vm.name, ovfConfiguration: inventory.vm.ovfConfiguration, disks: inventory.disks.count, references: references,
                                    width: style.width), fd: summaryFD)

        var run = VerificationRun(inventory: inventory, targets: assignments, sources: sourceAssignments,
                                  baseline: loadedBaseline, content: content, seed: seed, jobs: jobs,
                                  options: volume.volumeOptions)
        run.canary = canaryManifest.map { ($0, canary ?? "") }
        // Ctrl-C from here on: stop reading, write the reports, exit inconclusive (README, "Ctrl-C").
        run.cancellation = Cancellation.onInterrupt()
        if !noProgress {
            let disks = inventory.disks.filter { disk in assignments.contains { $0.key == disk.key } }
            run.progress = ProgressBoard(title: "VM \(inventory.vm.name)", disks: disks.map { ($0.key, $0.capacityBytes) },
                                         interval: .milliseconds(Int64(progressInterval * 1000)),
                                         width: TerminalStyle.detect(fd: STDERR_FILENO).width ?? 120)
        }
        let outcome = run.execute()
        if let report = outcome.input.canary, report.secretMismatch {
            let failures = report.disks.reduce(0) { $0 + $1.sealFailures }
            printError("replica-audit: --canary \(report.manifest): the secret does not match these blocks: \(failures) blocks carry "
                       + "the canary magic and none verifies under the manifest's secret; give the canary.json these disks were made with")
            throw ExitCode(2)
        }
        let input = resolved.map { VolumeIDVerification.apply($0, to: outcome.input) } ?? outcome.input
        var notes = outcome.notes
        if let canaryManifest {
            let uncovered = inventory.disks.map(\.key).filter { canaryManifest.disk($0) == nil }
            if !uncovered.isEmpty { notes.append("disks \(uncovered.joined(separator: ", ")) are not in the canary manifest: their canary blocks were not checked") }
        }
        var report = Verifier.verify(input, tool: ToolInfo(version: ReplicaAudit.configuration.version),
                                     startedAt: ReportClock.iso8601(started), finishedAt: ReportClock.iso8601(Date()))
        if let preflightReport {
            let (annotated, preflightNotes) = PreflightAnnotation.annotate(report, with: preflightReport)
            report = annotated
            notes += preflightNotes
        }
        provenance.finishedAt = ReportClock.iso8601(Date())
        report.provenance = provenance

        var writeFailure: Error?
        do {
            try ReportWriter.write(report, to: directory)
            if let signingKey { try Attestation.sign(report, in: directory, key: signingKey) } else { Attestation.removeStale(in: directory) }
        } catch { writeFailure = error }

        // The directory as the user gave it (or the default, relative to the current one).
        let shownDirectory = reportDir ?? "Reports/" + directory.lastPathComponent
        let summary = TerminalSummary.render(report, reportDirectory: writeFailure == nil ? shownDirectory : nil,
                                             style: style, includeHeader: false)
        if format == .json { StandardStream.output.write(try JSONReport.render(report)) }
        emit(summary, fd: summaryFD)
        for note in notes { printError("note: \(note)") }
        if let signingKey, writeFailure == nil {
            printError("note: reports signed: \(shownDirectory)/\(Attestation.fileName) (key \(AttestationKeys.keyID(signingKey.publicKey).prefix(16)); "
                       + "check with 'replica-audit attest verify \(shownDirectory) --public-key PUBLIC.pem')")
        }
        if let hint = stallHint(report) { printError("note: \(hint)") }
        // The ledger after the local reports: one that cannot be written exits 2 (docs/LEDGER.md).
        if let draft = try LedgerDrafts.verify(report) {
            try ledgerOptions.record(draft, reportDirectory: writeFailure == nil ? shownDirectory : nil)
        }
        if let writeFailure {
            printError("replica-audit: the reports could not be written to \(shownDirectory): \(writeFailure); "
                       + "the verdict above is \(report.verdict.rawValue.uppercased())")
            // A failing verdict is never hidden behind the write error's exit code.
            throw ExitCode(report.verdict == .fail ? 1 : 2)
        }
        if report.verdict != .pass { throw ExitCode(report.verdict.exitCode) }
    }

    /// Checks BASELINE.dsse.json with the public key before any volume is read: the signature
    /// must hold and cover this baseline's bytes; otherwise one line and exit 2.
    private func checkBaselineSignature(baseline: String, publicKey: String) throws -> String {
        switch BaselineSignature.check(baseline: baseline, publicKey: publicKey) {
        case .success(let verified): return verified
        case .failure(let failure):
            printError("replica-audit: " + (failure.aboutKey ? "--baseline-public-key " : "") + failure.description)
            throw ExitCode(2)
        }
    }

    /// Writes `text` and a newline to `fd` at once (print() would buffer it in a pipe).
    private func emit(_ text: String, fd: Int32) {
        let handle = fd == STDOUT_FILENO ? StandardStream.output : StandardStream.error
        handle.write(Data((text + "\n").utf8))
    }

    /// What to do when a server stalled: verify's own option, with the value used.
    private func stallHint(_ report: VerificationReport) -> String? {
        let all = report.findings + report.disks.flatMap(\.findings)
        guard all.contains(where: { $0.message.contains("no answer from the server within") }) else { return nil }
        return "a server did not answer within \(Int(volume.timeout)) s; if it is only slow (a busy appliance), "
            + "run verify again with a larger --timeout (e.g. --timeout \(Int(volume.timeout) * 4)); "
            + "if it has stopped, restart the export"
    }
}
