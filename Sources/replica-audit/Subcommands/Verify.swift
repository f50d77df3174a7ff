import ArgumentParser
import AuditCore
import BlockAccess
import Foundation
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
            not be read, and nothing failed).
            """)

    @OptionGroup var selection: InventorySelection

    @Option(name: .customLong("nbd-targets"), help: "Destination volumes as KEY:URI pairs, e.g. 2000:nbd://host/vol0,2001:nbd://host/vol1.")
    var nbdTargets: String?

    @Option(name: .customLong("target"), help: "One destination volume as KEY=TARGET; repeatable.")
    var targets: [String] = []

    @OptionGroup var sources: SourceMappingOptions

    @Option(help: "A baseline written by 'capture', used instead of live sources.")
    var baseline: String?

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

    @OptionGroup var volume: VolumeOptionsGroup

    func validate() throws {
        if nbdTargets == nil, targets.isEmpty { throw ValidationError("give the destination volumes with --nbd-targets or --target") }
        if nbdTargets != nil, !targets.isEmpty { throw ValidationError("give the destinations either as --nbd-targets or as --target, not both") }
        if baseline != nil, sources.given { throw ValidationError("--baseline replaces the sources; give one or the other") }
        guard (1...64).contains(jobs) else { throw ValidationError("--jobs must be between 1 and 64") }
        if let content, content != .none, baseline == nil, !sources.given {
            throw ValidationError("--content \(content.rawValue) needs sources (--nbd-sources, --source) or a --baseline to compare with")
        }
        if content == .full, baseline != nil {
            throw ValidationError("--content full compares every byte with the live sources; a baseline holds only samples (use --content sample)")
        }
    }

    func run() throws {
        let started = Date()
        let inventory = try selection.load()
        let assignments = try parseDiskMapping(spec: nbdTargets, items: targets)
        let sourceAssignments = sources.given ? try sources.assignments() : []
        let loadedBaseline: Baseline?
        if let baseline {
            do { loadedBaseline = try Baseline.load(path: baseline) } catch {
                printError("replica-audit: \(error)")
                throw ExitCode(2)
            }
        } else {
            loadedBaseline = nil
        }

        if let refusal = (assignments + sourceAssignments).lazy.compactMap({ ImageContainer.unservable($0.target) }).first {
            printError("replica-audit: \(refusal)")
            throw ExitCode(2)
        }
        let run = VerificationRun(inventory: inventory, targets: assignments, sources: sourceAssignments,
                                  baseline: loadedBaseline, content: content, seed: seed, jobs: jobs,
                                  options: volume.volumeOptions)
        let outcome = run.execute()
        let report = Verifier.verify(outcome.input, tool: ToolInfo(version: ReplicaAudit.configuration.version),
                                     startedAt: ReportClock.iso8601(started), finishedAt: ReportClock.iso8601(Date()))

        let directory = reportDir.map { URL(fileURLWithPath: $0) }
            ?? ReportWriter.defaultDirectory(base: URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                                             vm: inventory.vm.name, at: started)
        var writeFailure: Error?
        do { try ReportWriter.write(report, to: directory) } catch { writeFailure = error }

        let summary = TerminalSummary.render(report, reportDirectory: writeFailure == nil ? directory.path : nil)
        switch format {
        case .text:
            print(summary)
        case .json:
            FileHandle.standardOutput.write(try JSONReport.render(report))
            printError(summary)
        }
        for note in outcome.notes { printError("note: \(note)") }
        if let writeFailure {
            printError("replica-audit: the reports could not be written to \(directory.path): \(writeFailure.localizedDescription)")
            throw ExitCode(2)
        }
        if report.verdict != .pass { throw ExitCode(report.verdict.exitCode) }
    }
}
