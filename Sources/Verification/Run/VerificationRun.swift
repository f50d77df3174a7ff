import AuditCore
import BlockAccess
import Canary
import ContentCheck
import DiskProbe
import SourceInventory

/// Everything `verify` does before the pure verifier runs: checks the mapping (keys that
/// share a target are never read), probes the destinations and live sources at most `jobs`
/// at a time, gathers the references (sources or a baseline), and compares content.
/// The result is a `VerificationInput` for `Verifier.verify`.
public struct VerificationRun: Sendable {
    public var inventory: Inventory
    public var targets: [TargetAssignment]
    public var sources: [TargetAssignment]
    public var baseline: Baseline?
    /// The content mode asked for; nil picks sample when there are sources or a baseline
    /// with samples, none otherwise.
    public var content: ContentMode?
    /// The sampling seed; random when nil (a baseline's samples bring their own).
    public var seed: UInt64?
    public var jobs: Int
    public var options: VolumeOptions
    /// Draws the progress of `--content full` (one line for the VM); nil draws nothing.
    public var progress: ProgressBoard?
    /// Set by Ctrl-C for the whole run (the CLI's `Cancellation.onInterrupt()`): volumes not
    /// yet opened are not read and a full comparison stops. Nil: a full comparison installs
    /// its own.
    public var cancellation: Cancellation?
    /// Issue 14: `verify --canary`: the manifest and its path; every mapped volume's canary
    /// blocks are read after the probe, over the probe's connection.
    public var canary: (manifest: CanaryManifest, path: String)?

    /// A run over `targets`, compared with `sources` or `baseline` when given.
    public init(inventory: Inventory, targets: [TargetAssignment], sources: [TargetAssignment] = [],
                baseline: Baseline? = nil, content: ContentMode? = nil, seed: UInt64? = nil, jobs: Int = 4,
                options: VolumeOptions = VolumeOptions()) {
        self.inventory = inventory
        self.targets = targets
        self.sources = sources
        self.baseline = baseline
        self.content = content
        self.seed = seed
        self.jobs = jobs
        self.options = options
    }

    /// The verifier's input, and notes for the user (e.g. an interrupted comparison).
    public struct Outcome: Sendable {
        public var input: VerificationInput
        public var notes: [String]
    }

    /// Reads everything and assembles the verifier's input. Never throws: whatever cannot
    /// be read becomes a finding that keeps the verdict from passing. Its phases: the
    /// mapping, the probe, the references, the content comparison, the input.
    public func execute() -> Outcome {
        var notes: [String] = []
        let vmFindings = mappingFindings()
        // With a content comparison ahead, the probe's connections stay open for it: a
        // one-client server (qemu-nbd's default) would not answer a second one.
        let held = OpenVolumes()
        defer { held.closeAll() }
        // With a content comparison or a canary scan ahead, the probe's connections stay open
        // for it: a one-client server (qemu-nbd's default) would not answer a second one.
        let mayCompare = content != ContentMode.none && (!sources.isEmpty || baseline != nil)
        let probed = probeVolumes(keepOpen: mayCompare || canary != nil ? held : nil)
        let references = gatherReferences(probed.outcomes, notes: &notes)
        let compared = compareContent(volumes: probed.volumes, references: references, held: held, notes: &notes)
        if cancellation?.isCancelled == true, !notes.contains(where: { $0.hasPrefix("interrupted") }) {
            notes.append("interrupted: volumes not read before Ctrl-C are not verified and the verdict cannot be pass")
        }
        var input = VerificationInput(inventory: inventory, vmFindings: vmFindings, volumes: probed.volumes,
                                      references: references.probes, referenceKind: references.kind,
                                      referenceFailures: references.failures, content: compared.summary,
                                      contentFindings: compared.findings, contentMatches: compared.matches)
        input.contentRegions = compared.regions
        input.canary = scanCanary(volumes: probed.volumes, held: held)
        return Outcome(input: input, notes: notes)
    }

    private var knownKeys: Set<String> { Set(inventory.disks.map(\.key)) }

    /// Phase 1, before anything is read: the mapping's findings (targets, then sources), the
    /// inventory's disk backings and assumptions.
    func mappingFindings() -> [Finding] {
        var vmFindings = MappingRule.findings(inventory: inventory, assignments: targets, role: .target)
        // A disk without a source is simply not compared with one; the other source
        // mapping problems make the comparison meaningless and count.
        vmFindings += MappingRule.findings(inventory: inventory, assignments: sources, role: .source)
            .filter { $0.code != FindingCode.unmappedDisk }
        vmFindings += DiskBackingRule.findings(inventory: inventory) + InventoryAssumptionsRule.findings(inventory: inventory)
        return vmFindings
    }

    /// Phase 2: probes every mapped target and source (keys that share a target are never
    /// read), at most `jobs` at a time; the targets' observations and every outcome by
    /// "target:KEY" / "source:KEY".
    func probeVolumes(keepOpen held: OpenVolumes?) -> (volumes: [String: VolumeObservation], outcomes: [String: ReadOutcome]) {
        let known = knownKeys
        let shared = MappingRule.sharedKeys(targets)
        let sharedSources = MappingRule.sharedKeys(sources)
        var items: [VolumeSurvey.Item] = []
        for assignment in targets where known.contains(assignment.key) && !shared.contains(assignment.key) {
            items.append(VolumeSurvey.Item(key: "target:" + assignment.key, target: assignment.target))
        }
        for assignment in sources where known.contains(assignment.key) && !sharedSources.contains(assignment.key) {
            items.append(VolumeSurvey.Item(key: "source:" + assignment.key, target: assignment.target))
        }
        let outcomes = VolumeSurvey.probe(items, jobs: jobs, options: options, cancellation: cancellation, keepOpen: held)
        var volumes: [String: VolumeObservation] = [:]
        for assignment in targets where known.contains(assignment.key) {
            let outcome: ReadOutcome = shared.contains(assignment.key)
                ? .notRead(reason: MappingRule.notReadReason(assignment.key, targets))
                : outcomes["target:" + assignment.key] ?? .probeFailed(message: "the probe did not run")
            // The probe's name for the target says how it was read, e.g. "disk.qcow2 (qcow2 via qemu-nbd)".
            volumes[assignment.key] = VolumeObservation(target: outcome.probe?.target ?? assignment.target.redacted,
                                                        targetIdentity: assignment.target.identity, outcome: outcome)
        }
        return (volumes, outcomes)
    }

    /// What each disk is compared with: its source's probe or its baseline entry, and why
    /// not when it cannot be.
    struct References {
        var probes: [String: ProbeResult] = [:]
        var failures: [String: String] = [:]
        var kind = ReferenceKind.none
    }

    /// Phase 3: the references, from the sources' probe outcomes or the baseline.
    func gatherReferences(_ outcomes: [String: ReadOutcome], notes: inout [String]) -> References {
        let known = knownKeys
        var result = References()
        if !sources.isEmpty {
            result.kind = .sources
            for assignment in sources where known.contains(assignment.key) {
                switch outcomes["source:" + assignment.key] {
                case .probed(let probe) where probe.isComplete: result.probes[assignment.key] = probe
                case .probed(let probe):
                    result.failures[assignment.key] = "\(probe.unreadableRegions.count) regions of the source could not be read"
                case .unreachable(let message), .probeFailed(let message): result.failures[assignment.key] = message
                case .notRead(let reason): result.failures[assignment.key] = reason
                case nil: result.failures[assignment.key] = MappingRule.notReadReason(assignment.key, sources)
                }
            }
            for disk in inventory.disks where !sources.contains(where: { $0.key == disk.key }) {
                result.failures[disk.key] = "no source was given for it"
            }
        } else if let baseline {
            result.kind = .baseline
            result.probes = baseline.probes.filter { known.contains($0.key) }
            for disk in inventory.disks where result.probes[disk.key] == nil {
                result.failures[disk.key] = "the baseline has no entry for it"
            }
            if baseline.vm.name != inventory.vm.name {
                notes.append("the baseline was captured for VM \(baseline.vm.name), the inventory is VM \(inventory.vm.name)")
            }
        }
        return result
    }

    /// The content comparison's results, by disk key.
    struct ContentResults {
        var summary: ContentSummary
        var findings: [String: [Finding]] = [:]
        var matches: [String: Set<String>] = [:]
        var regions: [String: [ContentRegionMatch]] = [:]
    }

    /// Phase 4: samples or compares content when asked (by default: sample with sources or
    /// a baseline that has samples), over the connections the probe kept open.
    func compareContent(volumes: [String: VolumeObservation], references: References, held: OpenVolumes,
                        notes: inout [String]) -> ContentResults {
        let kind = references.kind
        let baselineHasSamples = baseline?.disks.contains { $0.contentSample != nil } ?? false
        let defaultMode: ContentMode = kind == .sources || (kind == .baseline && baselineHasSamples) ? .sample : .none
        let mode = content ?? defaultMode
        var result = ContentResults(summary: ContentSummary(mode: mode.rawValue))
        guard mode != .none else {
            if kind != .none {
                result.summary.note = kind == .baseline && !baselineHasSamples
                    ? "the baseline holds no content samples (captured with --content none)"
                    : "content comparison was not asked for (--content none)"
            }
            return result
        }
        let sourceTargets = Dictionary(sources.map { ($0.key, $0.target) }, uniquingKeysWith: { a, _ in a })
        let samples = Dictionary((baseline?.disks ?? []).compactMap { d in d.contentSample.map { (d.key, $0) } },
                                 uniquingKeysWith: { a, _ in a })
        let pairs: [ContentVerification.Pair] = targets.compactMap { assignment in
            guard volumes[assignment.key]?.outcome.probe != nil else { return nil }
            return ContentVerification.Pair(key: assignment.key, target: assignment.target,
                                            source: sourceTargets[assignment.key],
                                            sourceProbe: references.probes[assignment.key], expected: samples[assignment.key])
        }
        let usedSeed = samples.values.first?.seed ?? seed ?? ContentSampler.randomSeed()
        let cancellation = self.cancellation ?? (mode == .full ? Cancellation.onInterrupt() : nil)
        let outcome = ContentVerification.run(pairs, mode: mode == .full ? .full : .sample, seed: usedSeed,
                                              jobs: jobs, options: options, cancellation: cancellation,
                                              progress: mode == .full ? progress : nil, open: held)
        if cancellation?.isCancelled == true {
            let done = progress.map { board -> String in
                let (settled, total) = board.totals
                return " after \(ByteSize.human(settled)) of \(ByteSize.human(total)) were compared"
            } ?? ""
            notes.append("interrupted\(done): the content comparison is partial and the verdict cannot be pass")
        }
        result.findings = ContentVerification.settle(outcome, inventory: inventory, targets: targets, sources: sources,
                                                     volumes: volumes, references: references.probes, options: options)
        result.matches = outcome.matches
        result.regions = outcome.regions
        result.summary = ContentSummary(mode: mode.rawValue, seed: mode == .sample ? usedSeed : nil, compared: true)
        return result
    }

    /// Phase 5 (`--canary`, issue 14): every read target's canary blocks, over the
    /// connections the probe kept open (docs/CANARY.md).
    func scanCanary(volumes: [String: VolumeObservation], held: OpenVolumes) -> CanaryReport? {
        guard let canary, cancellation?.isCancelled != true else { return nil }
        let known = knownKeys
        let read = targets.filter { known.contains($0.key) && volumes[$0.key]?.outcome.probe != nil }
        return CanaryVerification.run(manifest: canary.manifest, path: canary.path,
                                      targets: read.map { ($0.key, $0.target) }, jobs: jobs,
                                      options: options, open: held)
    }
}
