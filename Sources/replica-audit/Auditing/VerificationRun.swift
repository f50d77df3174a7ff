import AuditCore
import BlockAccess
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
        } else if let baseline {
            kind = .baseline
            references = baseline.probes.filter { known.contains($0.key) }
            if baseline.vm.name != inventory.vm.name {
                notes.append("the baseline was captured for VM \(baseline.vm.name), the inventory is VM \(inventory.vm.name)")
            }
        }

        let mode = content ?? (kind == .none ? .none : .sample)
        var summary = ContentSummary(mode: mode.rawValue)
        if mode != .none {
            summary.note = "content comparison is not available in this build; layouts and identities were compared"
            notes.append("--content \(mode.rawValue): content comparison is not available in this build yet")
        }
        let input = VerificationInput(inventory: inventory, vmFindings: vmFindings, volumes: volumes,
                                      references: references, referenceKind: kind,
                                      referenceFailures: referenceFailures, content: summary)
        return Outcome(input: input, notes: notes)
    }
}
