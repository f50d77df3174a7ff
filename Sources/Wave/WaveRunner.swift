import AuditCore
import BlockAccess
import ContentCheck
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Reporting
import SourceInventory
import Verification

/// Runs a checked wave (README.md, "A wave"): every VM is verified as `verify` would —
/// `VerificationRun`, `Verifier.verify`, the four reports in its own folder — in one process,
/// several VMs at once, all of them drawing their connections from one `ConnectionLimiter`
/// of `jobs` slots.
///
/// How the slots are shared: a VM takes one slot per volume it reads at once. With at least
/// `jobs` VMs, each VM reads one volume at a time and `jobs` VMs run side by side; with fewer,
/// each VM reads `jobs / VMs` volumes at once. A VM with a content comparison keeps its probe
/// connections open for it (README.md, "One-client servers") and so takes one slot per volume
/// (all `jobs` slots at most, running alone then). VMs start in wave-file order; a VM whose
/// servers do not answer holds only its own slots until its `--timeout`, while the others go on.
///
/// Ctrl-C (the `cancellation`): no VM is started any more, the VMs under way stop reading
/// (their unread volumes are inconclusive) and write their reports, and the VMs not started
/// are "not-run" in wave.json.
public struct WaveRunner: Sendable {
    /// Progress for a terminal line: VMs finished, VMs in all, the VMs being verified.
    public struct Progress: Sendable {
        public var done: Int
        public var total: Int
        public var running: [String]
    }

    public var plan: WavePlan
    public var jobs: Int
    public var options: VolumeOptions
    /// The wave's report directory (exists).
    public var directory: URL
    public var tool: ToolInfo
    public var cancellation: Cancellation?
    /// The provenance of one VM's report (started, finished); nil writes none.
    public var provenance: (@Sendable (WaveVM, Date, Date) -> Provenance)?
    /// Called from worker threads whenever a VM starts or finishes.
    public var progress: (@Sendable (Progress) -> Void)?
    /// Called after a VM's reports are written (e.g. to sign them); a throw is a note.
    public var afterWrite: (@Sendable (VerificationReport, URL) throws -> Void)?

    public init(plan: WavePlan, jobs: Int, options: VolumeOptions, directory: URL, tool: ToolInfo) {
        self.plan = plan
        self.jobs = max(1, jobs)
        self.options = options
        self.directory = directory
        self.tool = tool
    }

    /// The outcome: wave.json's document and the limiter's peak.
    public struct Outcome: Sendable {
        public var report: WaveReport
        /// The most connection slots taken at once.
        public var peakSlots: Int
        /// VMs whose reports could not be written.
        public var writeFailures: Int
    }

    /// Slots one VM takes.
    func slots(for vm: WaveVM) -> Int {
        let volumes = max(1, vm.volumeCount)
        if vm.holdsConnections { return min(jobs, volumes) }
        let share = plan.vms.count >= jobs ? 1 : max(1, jobs / plan.vms.count)
        return min(volumes, share)
    }

    /// Verifies every VM; never throws (a VM that cannot be read is inconclusive).
    public func run() -> Outcome {
        let started = Date()
        let limiter = ConnectionLimiter(capacity: jobs)
        let state = State(count: plan.vms.count)
        let group = DispatchGroup()
        for (position, vm) in plan.vms.enumerated() {
            let slots = slots(for: vm)
            guard cancellation?.isCancelled != true, limiter.acquire(slots, unless: cancellation) else { break }
            group.enter()
            announce(state.start(vm.name))
            Threads.detach(stackSize: 4 << 20) { [self] in
                let result = verify(vm, jobs: slots)
                limiter.release(slots)
                announce(state.finish(position, vm.name, result))
                group.leave()
            }
        }
        group.wait()
        let vms = state.results().enumerated().map { position, result in
            result ?? WaveReport.VM.notRun(index: plan.vms[position].entry.index, vm: plan.vms[position].name,
                                           inventory: plan.vms[position].entry.inventory, disks: plannedDisks(plan.vms[position]))
        }
        let report = WaveReport(wave: plan.name, waveFile: plan.file, startedAt: ReportClock.iso8601(started),
                                finishedAt: ReportClock.iso8601(Date()), tool: tool, jobs: jobs,
                                interrupted: cancellation?.isCancelled == true, vms: vms)
        return Outcome(report: report, peakSlots: limiter.peak, writeFailures: vms.filter { $0.verdict != WaveReport.notRun && $0.reportDir == nil }.count)
    }

    private func announce(_ progress: Progress) {
        self.progress?(progress)
    }

    /// One VM, as `verify` runs it; its reports are written to its folder.
    func verify(_ vm: WaveVM, jobs: Int) -> WaveReport.VM {
        let started = Date()
        var run = VerificationRun(inventory: vm.inventory, targets: vm.targets, sources: vm.sources, baseline: vm.baseline,
                                  content: vm.content, seed: vm.seed, jobs: jobs, options: options)
        run.cancellation = cancellation ?? Cancellation()
        let outcome = run.execute()
        let input = vm.volumes.map { VolumeIDVerification.apply($0, to: outcome.input) } ?? outcome.input
        var notes = outcome.notes
        var report = Verifier.verify(input, tool: tool, startedAt: ReportClock.iso8601(started), finishedAt: ReportClock.iso8601(Date()))
        if let preflight = vm.preflight {
            let (annotated, preflightNotes) = PreflightAnnotation.annotate(report, with: preflight)
            report = annotated
            notes += preflightNotes
        }
        report.provenance = provenance?(vm, started, Date())
        let folder = directory.appendingPathComponent(vm.folder)
        var reportDir: String? = vm.folder
        do {
            try ReportWriter.write(report, to: folder)
            try afterWrite?(report, folder)
        } catch {
            notes.append("the reports could not be written to \(vm.folder): \(error)")
            reportDir = nil
        }
        return WaveReport.VM(index: vm.entry.index, inventory: vm.entry.inventory, report: report, reportDir: reportDir, notes: notes)
    }

    private func plannedDisks(_ vm: WaveVM) -> [(key: String, label: String?, target: String?, bytes: UInt64)] {
        vm.inventory.disks.map { disk in
            (disk.key, disk.label, vm.targets.first { $0.key == disk.key }?.target.redacted, disk.capacityBytes)
        }
    }

    /// The results as they come in, and who is running.
    private final class State: @unchecked Sendable {
        private let lock = Lock()
        private var values: [WaveReport.VM?]
        private var running: [String] = []
        private var done = 0

        init(count: Int) { values = Array(repeating: nil, count: count) }

        func start(_ name: String) -> Progress {
            lock.lock(); defer { lock.unlock() }
            running.append(name)
            return Progress(done: done, total: values.count, running: running)
        }

        func finish(_ position: Int, _ name: String, _ value: WaveReport.VM) -> Progress {
            lock.lock(); defer { lock.unlock() }
            values[position] = value
            done += 1
            if let index = running.firstIndex(of: name) { running.remove(at: index) }
            return Progress(done: done, total: values.count, running: running)
        }

        func results() -> [WaveReport.VM?] {
            lock.lock(); defer { lock.unlock() }
            return values
        }
    }
}

/// UTC timestamps as reports write them ("2026-11-28T13:07:43Z").
enum ReportClock {
    static func iso8601(_ date: Date) -> String {
        UTCTime.seconds(date)
    }
}

/// Ctrl-C and SIGTERM for a wave: the first stops starting VMs and stops reading (README.md,
/// "A wave"); a second ends the process at once (exit 130).
public enum WaveSignals {
    nonisolated(unsafe) private static var termSource: DispatchSourceSignal?

    /// A flag set by SIGINT or SIGTERM.
    public static func install() -> Cancellation {
        let flag = Cancellation.onInterrupt()
        signal(SIGTERM, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGTERM, queue: .global())
        source.setEventHandler { [flag] in
            if flag.isCancelled { exit(130) }
            flag.cancel()
            StandardStream.error.write("\nterminated: finishing the VMs under way and writing what finished\n")
        }
        source.resume()
        termSource = source
        return flag
    }
}
