import AuditCore
import BlockAccess
import ContentCheck
import DiskProbe
import SourceInventory
import Verification

/// Turns the parsed command line of `verify` into a `VerificationInput`: checks the
/// mapping, probes the destinations (and live sources) at most `jobs` at a time, and
/// gathers the references.
struct VerificationRun {
    var inventory: Inventory
    var targets: [TargetAssignment]
    var sources: [TargetAssignment]
    var baseline: Baseline?
    var content: ContentMode?
    /// The sampling seed (`--seed`); random when nil.
    var seed: UInt64?
    var jobs: Int
    var options: VolumeOptions

    /// The verifier's input and notes for the user (printed on stderr).
    struct Outcome {
        var input: VerificationInput
        var notes: [String]
    }

    func execute() -> Outcome {
        var notes: [String] = []
        var vmFindings = MappingRule.findings(inventory: inventory, assignments: targets, role: "target")
        // A disk without a source is simply not compared with one; the other source
        // mapping problems make the comparison meaningless and count.
        vmFindings += MappingRule.findings(inventory: inventory, assignments: sources, role: "source")
            .filter { $0.code != FindingCode.unmappedDisk }
        let known = Set(inventory.disks.map(\.key))
        let shared = MappingRule.sharedKeys(targets)
        let sharedSources = MappingRule.sharedKeys(sources)

        var items: [VolumeSurvey.Item] = []
        for assignment in targets where known.contains(assignment.key) && !shared.contains(assignment.key) {
            items.append(VolumeSurvey.Item(key: "target:" + assignment.key, target: assignment.target))
        }
        for assignment in sources where known.contains(assignment.key) && !sharedSources.contains(assignment.key) {
            items.append(VolumeSurvey.Item(key: "source:" + assignment.key, target: assignment.target))
        }
        let outcomes = VolumeSurvey.probe(items, jobs: jobs, options: options)

        var volumes: [String: VolumeObservation] = [:]
        for assignment in targets where known.contains(assignment.key) {
            let outcome: ReadOutcome = shared.contains(assignment.key)
                ? .notRead(reason: MappingRule.notReadReason(assignment.key, targets))
                : outcomes["target:" + assignment.key] ?? .probeFailed(message: "the probe did not run")
            volumes[assignment.key] = VolumeObservation(target: assignment.target.redacted,
                                                        targetIdentity: assignment.target.identity, outcome: outcome)
        }

        var references: [String: ProbeResult] = [:]
        var referenceFailures: [String: String] = [:]
        var kind = ReferenceKind.none
        if !sources.isEmpty {
            kind = .sources
            for assignment in sources where known.contains(assignment.key) {
                switch outcomes["source:" + assignment.key] {
                case .probed(let probe) where probe.isComplete: references[assignment.key] = probe
                case .probed(let probe):
                    referenceFailures[assignment.key] = "\(probe.unreadableRegions.count) regions of the source could not be read"
                case .unreachable(let message), .probeFailed(let message): referenceFailures[assignment.key] = message
                case .notRead(let reason): referenceFailures[assignment.key] = reason
                case nil: referenceFailures[assignment.key] = MappingRule.notReadReason(assignment.key, sources)
                }
            }
            for disk in inventory.disks where !sources.contains(where: { $0.key == disk.key }) {
                referenceFailures[disk.key] = "no source was given for it"
            }
        } else if let baseline {
            kind = .baseline
            references = baseline.probes.filter { known.contains($0.key) }
            for disk in inventory.disks where references[disk.key] == nil {
                referenceFailures[disk.key] = "the baseline has no entry for it"
            }
            if baseline.vm.name != inventory.vm.name {
                notes.append("the baseline was captured for VM \(baseline.vm.name), the inventory is VM \(inventory.vm.name)")
            }
        }

        let baselineHasSamples = baseline?.disks.contains { $0.contentSample != nil } ?? false
        let defaultMode: ContentMode = kind == .sources || (kind == .baseline && baselineHasSamples) ? .sample : .none
        let mode = content ?? defaultMode
        var summary = ContentSummary(mode: mode.rawValue)
        var contentFindings: [String: [Finding]] = [:]
        var contentMatches: [String: Set<String>] = [:]
        if mode != .none {
            let sourceTargets = Dictionary(sources.map { ($0.key, $0.target) }, uniquingKeysWith: { a, _ in a })
            let samples = Dictionary((baseline?.disks ?? []).compactMap { d in d.contentSample.map { (d.key, $0) } },
                                     uniquingKeysWith: { a, _ in a })
            let pairs: [ContentVerification.Pair] = targets.compactMap { assignment in
                guard volumes[assignment.key]?.outcome.probe != nil else { return nil }
                return ContentVerification.Pair(key: assignment.key, target: assignment.target,
                                                source: sourceTargets[assignment.key],
                                                sourceProbe: references[assignment.key], expected: samples[assignment.key])
            }
            let usedSeed = samples.values.first?.seed ?? seed ?? ContentSampler.randomSeed()
            let cancellation = mode == .full ? Cancellation.onInterrupt() : nil
            let outcome = ContentVerification.run(pairs, mode: mode == .full ? .full : .sample, seed: usedSeed,
                                                  jobs: jobs, options: options, cancellation: cancellation)
            if cancellation?.isCancelled == true {
                notes.append("interrupted: the content comparison is partial and the verdict cannot be pass")
            }
            contentFindings = outcome.findings
            contentMatches = outcome.matches
            summary = ContentSummary(mode: mode.rawValue, seed: mode == .sample ? usedSeed : nil, compared: true)
        } else if kind != .none {
            summary.note = kind == .baseline && !baselineHasSamples
                ? "the baseline holds no content samples (captured with --content none)"
                : "content comparison was not asked for (--content none)"
        }
        let input = VerificationInput(inventory: inventory, vmFindings: vmFindings, volumes: volumes,
                                      references: references, referenceKind: kind,
                                      referenceFailures: referenceFailures, content: summary,
                                      contentFindings: contentFindings, contentMatches: contentMatches)
        return Outcome(input: input, notes: notes)
    }
}
