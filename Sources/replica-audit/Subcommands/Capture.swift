import ArgumentParser
import AuditCore
import BlockAccess
import ContentCheck
import Foundation
import SourceInventory
import Verification

/// `capture`: probes the source disks and writes a baseline that `verify --baseline` can
/// compare the destinations with once the sources are gone.
struct Capture: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capture",
        abstract: "Record the sources' layouts and identities as a baseline.",
        discussion: """
            Every source is probed read-only. The baseline (JSON, schemaVersion 1) holds each \
            source's partition table, identities, witnesses and the SHA-256 of every region read, \
            and with --content sample (the default) the hashes of a seeded sample of blocks, which \
            'verify --baseline' compares the destinations with. Every disk of the inventory needs a source. \
            A source that cannot be read completely is not recorded: capture then writes nothing \
            and exits 3, so that a baseline never hides a gap. Mapping errors exit 2.
            """)

    @OptionGroup var selection: InventorySelection
    @OptionGroup var sources: SourceMappingOptions

    @Option(help: "Where to write the baseline (JSON).")
    var output: String

    @Option(help: "Content to record: sample (hashes of a seeded sample of blocks, the default) or none.")
    var content: ContentMode = .sample

    @Option(help: "Seed for the content sample (default: random; recorded in the baseline).")
    var seed: UInt64?

    @Option(help: "How many sources to probe at once.")
    var jobs: Int = 4

    @OptionGroup var volume: VolumeOptionsGroup

    func validate() throws {
        guard sources.given else { throw ValidationError("give the source disks with --nbd-sources or --source") }
        guard (1...64).contains(jobs) else { throw ValidationError("--jobs must be between 1 and 64") }
        if content == .full { throw ValidationError("capture records samples only: --content sample or none") }
    }

    func run() throws {
        let inventory = try selection.load()
        let assignments = try sources.assignments()
        let mapping = MappingRule.findings(inventory: inventory, assignments: assignments, role: "source")
        if !mapping.isEmpty {
            for finding in mapping { printError("replica-audit: \(finding.code): \(finding.message)") }
            throw ExitCode(2)
        }
        let items = assignments.map { VolumeSurvey.Item(key: $0.key, target: $0.target) }
        if let refusal = items.lazy.compactMap({ ImageContainer.unservable($0.target) }).first {
            printError("replica-audit: \(refusal)")
            throw ExitCode(2)
        }
        // The probe's connections stay open for the samples (a one-client server would not answer another).
        let held = OpenVolumes()
        defer { held.closeAll() }
        let outcomes = VolumeSurvey.probe(items, jobs: jobs, options: volume.volumeOptions,
                                          keepOpen: content == .sample ? held : nil)
        var disks: [BaselineDisk] = []
        var problems: [String] = []
        for disk in inventory.disks {
            guard let assignment = assignments.first(where: { $0.key == disk.key }) else { continue }
            switch outcomes[disk.key] {
            case .probed(let probe) where probe.isComplete:
                disks.append(BaselineDisk(key: disk.key, label: disk.label, capacityBytes: disk.capacityBytes,
                                          source: assignment.target.redacted, probe: probe))
                print("disk \(disk.key): \(ByteSize.human(probe.sizeBytes)), \(probe.partitionTable?.type ?? "no partition table"), "
                      + "\(probe.partitions.count) partition\(probe.partitions.count == 1 ? "" : "s")")
            case .probed(let probe):
                problems.append("disk \(disk.key): \(probe.unreadableRegions.count) regions of \(assignment.target.redacted) could not be read")
            case .unreachable(let message), .probeFailed(let message):
                problems.append("disk \(disk.key): \(message)")
            case .notRead(let reason):
                problems.append("disk \(disk.key): \(reason)")
            case nil:
                problems.append("disk \(disk.key): not probed")
            }
        }
        if !problems.isEmpty {
            for problem in problems { printError("replica-audit: \(problem)") }
            printError("replica-audit: no baseline written: every source must be read completely")
            throw ExitCode(3)
        }
        if content == .sample {
            let seed = self.seed ?? ContentSampler.randomSeed()
            let targets = disks.map { disk in assignments.first { $0.key == disk.key }!.target }
            let options = volume.volumeOptions
            let probes = disks.map(\.probe)
            let samples = BaselineSampling.sample(targets: targets, probes: probes, seed: seed, jobs: jobs, options: options,
                                                  open: held)
            for index in disks.indices {
                guard let sample = samples[index], sample.unreadable.isEmpty else {
                    problems.append("disk \(disks[index].key): its content could not be sampled completely")
                    continue
                }
                disks[index].contentSample = sample
            }
            if !problems.isEmpty {
                for problem in problems { printError("replica-audit: \(problem)") }
                printError("replica-audit: no baseline written: every source must be read completely")
                throw ExitCode(3)
            }
        }
        let baseline = Baseline(tool: ToolInfo(version: ReplicaAudit.configuration.version),
                                capturedAt: ReportClock.iso8601(Date()), vm: inventory.vm, disks: disks)
        do {
            try baseline.encoded().write(to: URL(fileURLWithPath: output), options: .atomic)
        } catch {
            printError("replica-audit: cannot write \(output): \(error.localizedDescription)")
            throw ExitCode(2)
        }
        print("baseline of \(disks.count) disk\(disks.count == 1 ? "" : "s") of VM \(inventory.vm.name) written to \(output)")
    }
}
