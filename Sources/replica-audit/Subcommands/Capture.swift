import ArgumentParser
import AuditCore
import BlockAccess
import ContentCheck
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Reporting
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

    /// The examples that end this command's help page.
    static let examples = [
        "replica-audit capture --inventory inv.json --nbd-sources 2000:nbd://esx-proxy/src-a,2001:nbd://esx-proxy/src-b --output pgtest1-baseline.json",
    ]

    @OptionGroup var selection: InventorySelection
    @OptionGroup var sources: SourceMappingOptions
    @OptionGroup var volumeIDs: VolumeIDOptions

    @Option(help: "Where to write the baseline (JSON).")
    var output: String

    @Option(help: "Content to record: sample (hashes of a seeded sample of blocks, the default) or none.")
    var content: ContentMode = .sample

    @Option(help: "Seed for the content sample (default: random; recorded in the baseline).")
    var seed: UInt64?

    @Option(help: "How many sources to probe at once.")
    var jobs: Int = 4

    @OptionGroup var volume: VolumeOptionsGroup

    @OptionGroup var provenanceOptions: ProvenanceOptions

    func validate() throws {
        _ = try selection.path()  // --inventory is optional only for verify --canary
        guard sources.given || volumeIDs.given else { throw ValidationError("give the source disks with --nbd-sources, --source or --volume") }
        guard (1...64).contains(jobs) else { throw ValidationError("--jobs must be between 1 and 64") }
        if content == .full { throw ValidationError("capture records samples only: --content sample or none") }
    }

    func run() throws {
        let started = Date()
        // A key that cannot sign stops the run before any source is read.
        let signingKey = try provenanceOptions.signingKey()
        let inventory = try selection.load()
        // The inventory is hashed now, as it was read.
        var provenance = provenanceOptions.provenance(startedAt: started, inputs: [("inventory", try selection.path())])
        var assignments = try sources.given ? sources.assignments(inventory: inventory) : []
        let resolved = try volumeIDs.given ? volumeIDs.resolve(besides: assignments) : nil
        assignments += resolved?.assignments ?? []
        // The baseline's place is checked before any source is read (README, "Reports").
        do { try OutputLocation.checkFile(output, option: "--output") } catch {
            printError("replica-audit: \(error)")
            throw ExitCode(2)
        }
        var mapping = MappingRule.findings(inventory: inventory, assignments: assignments, role: .source)
        if let resolved {
            let missing = Set(resolved.notFound.map(\.key))
            mapping.removeAll { if case .string(let key)? = $0.evidence["key"], $0.code == FindingCode.unmappedDisk { missing.contains(key) } else { false } }
        }
        if !mapping.isEmpty {
            for finding in mapping { printError("replica-audit: \(finding.code): \(finding.message)") }
            throw ExitCode(2)
        }
        if let resolved {
            // The ID, link and path of each source volume; one that is not attached cannot be
            // read, so nothing is written (exit 3, like any source that cannot be read).
            let findings = VolumeMapping.findings(resolved, inventory: inventory, notFoundSeverity: .error)
            for finding in findings { printError("\(finding.severity == .info ? "note" : "replica-audit: \(finding.code)"): \(finding.message)") }
            if !resolved.notFound.isEmpty { throw ExitCode(3) }
        }
        let items = assignments.map { VolumeSurvey.Item(key: $0.key, target: $0.target) }
        if let refusal = items.lazy.compactMap({ ImageContainer.unservable($0.target) }).first {
            printError("replica-audit: \(refusal)")
            throw ExitCode(2)
        }
        let outcome = CaptureRun(inventory: inventory, sources: assignments, sample: content == .sample, seed: seed,
                                 jobs: jobs, options: volume.volumeOptions).execute()
        for disk in outcome.disks {
            let probe = disk.probe
            print("disk \(TerminalText.field(disk.key)): \(ByteSize.human(probe.sizeBytes)), \(probe.partitionTable?.type ?? "no partition table"), "
                  + "\(probe.partitions.count) partition\(probe.partitions.count == 1 ? "" : "s")")
        }
        let problems = outcome.probeProblems + outcome.sampleProblems
        if !problems.isEmpty {
            for problem in problems { printError("replica-audit: \(problem)") }
            printError("replica-audit: no baseline written: every source must be read completely")
            if outcome.probeProblems.contains(where: { $0.contains("no answer from the server") }) {
                printError("note: a source did not answer within \(Int(volume.timeout)) s; if it is only slow, run capture again "
                           + "with a larger --timeout (e.g. --timeout \(Int(volume.timeout) * 4)) or fewer --jobs")
            }
            throw ExitCode(3)
        }
        let disks = outcome.disks
        var baseline = Baseline(tool: ToolInfo(version: ReplicaAudit.configuration.version),
                                capturedAt: ReportClock.iso8601(Date()), vm: inventory.vm, disks: disks)
        provenance.finishedAt = ReportClock.iso8601(Date())
        baseline.provenance = provenance
        do {
            try OutputLocation.write(try baseline.encoded(), to: output)
            let envelope = Attestation.envelopeURL(forFile: URL(fileURLWithPath: output))
            if let signingKey {
                try Attestation.signBaseline(
                    at: URL(fileURLWithPath: output),
                    volumes: disks.map { Attestation.Subject(name: "disk:\($0.key)", sha256: Attestation.volumeDigest($0.probe.regionsRead)) },
                    configuration: Attestation.configuration(baseline.provenance), key: signingKey)
            } else {
                // An envelope of an earlier capture to the same path would no longer hold.
                try? FileManager.default.removeItem(at: envelope)
            }
        } catch {
            printError("replica-audit: \(error)")
            throw ExitCode(2)
        }
        print(TerminalText.output("baseline of \(disks.count) disk\(disks.count == 1 ? "" : "s") of VM "
                                  + "\(TerminalText.field(inventory.vm.name)) written to \(TerminalText.field(output))"
                                  + (signingKey.map { ", signed in \(TerminalText.field(output)).dsse.json (key \(AttestationKeys.keyID($0.publicKey).prefix(16)))" } ?? "")))
    }
}
