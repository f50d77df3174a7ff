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
import Ledger
import Reporting
import Verification
import Wave

/// `wave`: verifies many VMs in one run from a wave file (README.md, "A wave"); exits 2 when
/// the wave file cannot be used (nothing read), else 1 if any VM fails, 3 if any is
/// inconclusive or was not run, 0 when every VM passes.
struct WaveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wave",
        abstract: "Verify many VMs in one run, from a wave file.",
        discussion: """
            WAVE_FILE (YAML or JSON) names the wave and lists its VMs, each with what 'verify' \
            takes: inventory (relative to the wave file), vm, targets ("KEY:TARGET,…" or a map \
            {KEY: TARGET}) and/or volumes ({KEY: VOLUME_ID}, with by_id_dir), sources or \
            baseline (with baseline_public_key), preflight, content, seed, ovf_configuration, \
            ovf_properties. The wave may \
            set content and by_id_dir for every VM. The whole file is checked before any volume \
            is read: an unknown field, a wrong type, a missing inventory, a VM the inventory lacks, \
            a bad mapping, a VM listed twice or two VMs on one volume is one line naming the entry \
            and field, and exit 2.

            --jobs bounds the open connections of the whole wave. Reports go to --report-dir \
            (default Reports/<wave>-<UTC time>/): one folder per VM with verify's four reports, \
            and wave.json, junit.xml (a testsuite per VM, a testcase per disk) and index.html.

            Ctrl-C (or SIGTERM) starts no more VMs, lets those under way stop reading and write \
            their reports, and writes the wave's files with the rest marked not-run; a second \
            Ctrl-C quits at once (exit 130).

            Exit codes: 0 every VM passed, 1 a VM failed, 2 the wave file or --report-dir is \
            unusable (nothing was read), 3 a VM was inconclusive or not run, and none failed.
            """)

    /// The examples that end this command's help page.
    static let examples = [
        "replica-audit wave wave-12.yaml --jobs 8 --report-dir /var/tmp/wave-12",
        "replica-audit wave wave-12.yaml --format json > wave.json",
    ]

    @Argument(help: "The wave file (YAML or JSON).")
    var waveFile: String

    @Option(help: "The most connections open at once for the whole wave (1–64).")
    var jobs: Int = 4

    @Option(name: .customLong("report-dir"), help: "Where to write the wave's reports (default Reports/<wave>-<UTC time>/).")
    var reportDir: String?

    @Option(help: "Output on stdout: text (a line per VM) or json (wave.json).")
    var format: OutputFormat = .text

    @Flag(name: .customLong("no-progress"), help: "Never show the progress line (shown on a terminal only).")
    var noProgress = false

    @OptionGroup var volume: VolumeOptionsGroup

    @OptionGroup var provenanceOptions: ProvenanceOptions

    /// `--ledger URL` / REPLICA_AUDIT_LEDGER: a record per VM (kind verify, with the wave's
    /// name) and one of kind wave (wave.json), after the local outputs are written.
    @OptionGroup var ledgerOptions: LedgerOptions

    func validate() throws {
        guard (1...64).contains(jobs) else { throw ValidationError("--jobs must be between 1 and 64") }
    }

    func run() throws {
        let started = Date()
        let signingKey = try provenanceOptions.signingKey()  // --sign-key: each VM's reports are signed in its folder
        let plan: WavePlan
        do { plan = try WavePlan.prepare(path: waveFile) } catch {
            printError("replica-audit: \(error)")
            throw ExitCode(2)
        }
        let directory = reportDir.map { URL(fileURLWithPath: $0) }
            ?? ReportWriter.defaultDirectory(base: URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                                             vm: plan.name, at: started)
        do {
            try OutputLocation.prepareDirectory(directory.path, option: reportDir != nil ? "--report-dir" : "the report directory",
                                                createParents: reportDir == nil)
        } catch {
            printError("replica-audit: \(error)")
            throw ExitCode(2)
        }
        let shownDirectory = reportDir ?? "Reports/" + directory.lastPathComponent
        ledgerOptions.precheck()
        let out = format == .text ? StandardStream.output : StandardStream.error
        let disks = plan.vms.map(\.inventory.disks.count).reduce(0, +)
        out.write(Data(TerminalText.output("Wave \(plan.name): \(plan.vms.count) VM\(plan.vms.count == 1 ? "" : "s"), "
                                           + "\(disks) disk\(disks == 1 ? "" : "s"), at most \(jobs) connection\(jobs == 1 ? "" : "s") at once").utf8 + [0x0A]))

        var runner = WaveRunner(plan: plan, jobs: jobs, options: volume.volumeOptions, directory: directory,
                                tool: ToolInfo(version: ReplicaAudit.configuration.version))
        runner.cancellation = WaveSignals.install()
        let provenanceOptions = self.provenanceOptions
        let waveFile = self.waveFile
        runner.provenance = { vm, started, finished in
            var provenance = provenanceOptions.provenance(
                startedAt: started, finishedAt: finished,
                inputs: [("wave", waveFile), ("inventory", vm.inventoryPath)] + (vm.baselinePath.map { [("baseline", $0)] } ?? [])
                    + (vm.preflightPath.map { [("preflight", $0)] } ?? []))
            if let index = provenance.inputs.firstIndex(where: { $0.role == "baseline" }) {
                provenance.inputs[index].signature = vm.baselineSignature
            }
            return provenance
        }
        if let signingKey {
            runner.afterWrite = { report, folder in try Attestation.sign(report, in: folder, key: signingKey) }
        }
        let line = ProgressLine(enabled: !noProgress && isatty(STDERR_FILENO) == 1, wave: plan.name)
        runner.progress = { line.draw($0) }
        let outcome = runner.run()
        line.clear()

        var writeFailure: Error?
        do { try WaveReports.write(outcome.report, to: directory) } catch { writeFailure = error }
        if format == .json { StandardStream.output.write(try WaveReports.json(outcome.report)) }
        out.write(Data((TerminalText.output(Self.summary(outcome.report, directory: shownDirectory)) + "\n").utf8))
        let stalled = outcome.report.vms.filter { $0.findings.contains { $0.message.contains("no answer from the server within") } }
        if !stalled.isEmpty {
            printError("note: the servers of \(stalled.count) VM\(stalled.count == 1 ? "" : "s") (\(stalled.prefix(3).map(\.vm).joined(separator: ", "))"
                       + "\(stalled.count > 3 ? ", …" : "")) did not answer within \(Int(volume.timeout)) s; if they are only slow (a busy "
                       + "appliance), run the wave again with a larger --timeout (e.g. --timeout \(Int(volume.timeout) * 4)); if they have stopped, restart the exports")
        }
        // The ledger after the local outputs: one that cannot be written exits 2 (README.md, "A wave").
        if let url = ledgerOptions.url {
            try record(outcome.report, in: url, directory: directory, waveJSON: writeFailure == nil ? shownDirectory : nil)
        }
        if let writeFailure {
            printError("replica-audit: the wave's reports could not be written to \(shownDirectory): \(writeFailure); "
                       + "the verdict above is \(outcome.report.verdict.uppercased())")
            throw ExitCode(outcome.report.verdict == Verdict.fail.rawValue ? 1 : 2)
        }
        if outcome.writeFailures > 0, outcome.report.exitCode != 1 {
            printError("replica-audit: the reports of \(outcome.writeFailures) VMs could not be written (see the notes above)")
            throw ExitCode(2)
        }
        if outcome.report.exitCode != 0 { throw ExitCode(outcome.report.exitCode) }
    }

    /// Appends a record per VM that ran (its report.json as written, kind verify, with the
    /// wave's name) and one of kind wave (wave.json), over one connection to the ledger. A
    /// ledger that cannot be written is said loudly and exits 2; the local outputs are written.
    private func record(_ report: WaveReport, in url: String, directory: URL, waveJSON: String?) throws {
        var recorded = 0
        do {
            var drafts: [LedgerRecordDraft] = []
            for vm in report.vms {
                guard let folder = vm.reportDir else { continue }
                drafts.append(try LedgerDrafts.fromReportFolder(directory.appendingPathComponent(folder), wave: report.wave))
            }
            drafts.append(LedgerRecordDraft(
                kind: .wave, wave: report.wave, vm: nil, verdict: report.verdict, startedAt: report.startedAt,
                finishedAt: report.finishedAt, host: RunEnvironment.host, toolVersion: report.tool.version,
                commandLine: Ledgers.redactedCommandLine(CommandLine.arguments), report: try WaveReports.json(report)))
            let store = try Ledgers.open(url, create: true)
            defer { store.close() }
            var ids: [Int64] = []
            for draft in drafts {
                ids.append(try store.append(draft).id)
                recorded += 1
            }
            printError("note: recorded in the audit ledger \(store.location): \(ids.count - 1) VM runs and the wave as run \(ids.last ?? 0)")
        } catch {
            printError("replica-audit: LEDGER NOT WRITTEN: \(error) (\(recorded) of \(report.vms.filter { $0.reportDir != nil }.count + 1) "
                       + "records were appended). The wave's verdict is \(report.verdict.uppercased())"
                       + (waveJSON.map { "; its reports are in \($0)" } ?? "")
                       + "; record the rest with 'replica-audit ledger record DIR/VM --wave \(report.wave)' once the ledger can be reached")
            throw ExitCode(2)
        }
    }

    /// A line per VM, its contamination in words, and the wave's verdict.
    static func summary(_ report: WaveReport, directory: String) -> String {
        let width = min(40, report.vms.map(\.vm.count).max() ?? 0)
        var lines: [String] = []
        for vm in report.vms {
            let padded = vm.vm.count < width ? vm.vm + String(repeating: " ", count: width - vm.vm.count) : vm.vm
            var text = "\(padded)  \(vm.verdict.uppercased())  \(vm.disks.count) disk\(vm.disks.count == 1 ? "" : "s")"
            if !vm.failedDisks.isEmpty { text += ", failed: \(vm.failedDisks.joined(separator: ", "))" }
            let worst = vm.findings.filter { $0.severity.fails || FindingCode.unread.contains($0.code) }.max { $0.severity < $1.severity }
            if let worst { text += " (\(worst.code))" }
            if let reportDir = vm.reportDir { text += "  \(directory)/\(reportDir)" }
            lines.append(text)
            for sentence in vm.contamination { lines.append("    " + sentence) }
            for note in vm.notes { lines.append("    note: " + note) }
        }
        let counts = report.counts
        var tally = "\(counts.fail) fail, \(counts.inconclusive) inconclusive, \(counts.pass) pass"
        if counts.notRun > 0 { tally += ", \(counts.notRun) not run (interrupted)" }
        lines.append("")
        lines.append("Wave \(report.wave): \(report.verdict.uppercased()) — \(tally) — reports in \(directory)")
        return lines.joined(separator: "\n")
    }
}

/// The progress line on a terminal: "wave-12: 12/200 VMs done, verifying pgtest13, …",
/// redrawn in place on stderr; nothing when stderr is not a terminal.
final class ProgressLine: @unchecked Sendable {
    private let enabled: Bool
    private let wave: String
    private let lock = Lock()
    private let width: Int

    init(enabled: Bool, wave: String) {
        self.enabled = enabled
        self.wave = wave
        width = TerminalStyle.detect(fd: STDERR_FILENO).width ?? 80
    }

    func draw(_ progress: WaveRunner.Progress) {
        guard enabled else { return }
        var text = "\(wave): \(progress.done)/\(progress.total) VMs done"
        if !progress.running.isEmpty { text += ", verifying " + progress.running.prefix(3).joined(separator: ", ") }
        if progress.running.count > 3 { text += " and \(progress.running.count - 3) more" }
        text = TerminalText.output(text)
        if text.count > width - 1 { text = String(text.prefix(width - 2)) + "…" }
        lock.lock(); defer { lock.unlock() }
        StandardStream.error.write("\r\u{1b}[K" + text)
    }

    func clear() {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        StandardStream.error.write("\r\u{1b}[K")
    }
}
