import AuditCore
import BlockAccess
import ContentCheck
import DiskProbe
import SourceInventory

/// What `capture` reads (README.md, "Commands"): every mapped source probed, at most `jobs`
/// at a time, then, when every one was read completely, a seeded sample of each one's
/// content hashed over the same connections. The CLI only parses, prints and writes the
/// baseline; as `VerificationRun` is for `verify`.
public struct CaptureRun: Sendable {
    public var inventory: Inventory
    public var sources: [TargetAssignment]
    /// Whether to record content samples (`--content sample`).
    public var sample: Bool
    /// The sampling seed; random when nil.
    public var seed: UInt64?
    public var jobs: Int
    public var options: VolumeOptions

    public init(inventory: Inventory, sources: [TargetAssignment], sample: Bool, seed: UInt64? = nil, jobs: Int = 4,
                options: VolumeOptions = VolumeOptions()) {
        self.inventory = inventory
        self.sources = sources
        self.sample = sample
        self.seed = seed
        self.jobs = jobs
        self.options = options
    }

    /// The disks read completely, in inventory order, and what kept others from being read.
    /// A baseline may be written only when both problem lists are empty.
    public struct Outcome: Sendable {
        public var disks: [BaselineDisk]
        /// Sources that could not be probed completely (then nothing was sampled).
        public var probeProblems: [String]
        /// Sources whose content could not be sampled completely.
        public var sampleProblems: [String]
    }

    public func execute() -> Outcome {
        let items = sources.map { VolumeSurvey.Item(key: $0.key, target: $0.target) }
        // The probe's connections stay open for the samples (a one-client server would not answer another).
        let held = OpenVolumes()
        defer { held.closeAll() }
        let outcomes = VolumeSurvey.probe(items, jobs: jobs, options: options, keepOpen: sample ? held : nil)
        var result = Outcome(disks: [], probeProblems: [], sampleProblems: [])
        for disk in inventory.disks {
            guard let assignment = sources.first(where: { $0.key == disk.key }) else { continue }
            switch outcomes[disk.key] {
            case .probed(let probe) where probe.isComplete:
                result.disks.append(BaselineDisk(key: disk.key, label: disk.label, capacityBytes: disk.capacityBytes,
                                                 source: assignment.target.redacted, probe: probe))
            case .probed(let probe):
                result.probeProblems.append("disk \(disk.key): \(probe.unreadableRegions.count) regions of \(assignment.target.redacted) could not be read")
            case .unreachable(let message), .probeFailed(let message):
                result.probeProblems.append("disk \(disk.key): \(message)")
            case .notRead(let reason):
                result.probeProblems.append("disk \(disk.key): \(reason)")
            case nil:
                result.probeProblems.append("disk \(disk.key): not probed")
            }
        }
        guard result.probeProblems.isEmpty, sample else { return result }
        let seed = self.seed ?? ContentSampler.randomSeed()
        let targets = result.disks.map { disk in sources.first { $0.key == disk.key }!.target }
        let samples = BaselineSampling.sample(targets: targets, probes: result.disks.map(\.probe), seed: seed, jobs: jobs,
                                              options: options, open: held)
        for index in result.disks.indices {
            guard let sample = samples[index], sample.unreadable.isEmpty else {
                result.sampleProblems.append("disk \(result.disks[index].key): its content could not be sampled completely")
                continue
            }
            result.disks[index].contentSample = sample
        }
        return result
    }
}
