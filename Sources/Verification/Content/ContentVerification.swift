import AuditCore
import BlockAccess
import ContentCheck
import DiskProbe
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import SourceInventory

/// `verify --content sample|full`: compares each destination's content with its source
/// (live, or a baseline's sampled hashes) through ContentCheck, and finds volumes that hold
/// another source's sampled content, as contamination evidence.
public enum ContentVerification {
    /// How much content to compare.
    public enum Mode: String, Sendable {
        case sample, full
    }

    /// A destination and what to compare it with.
    public struct Pair: Sendable {
        public var key: String
        public var target: Target
        /// The live source, when there is one.
        public var source: Target?
        /// The source's probe (partitions for the sample plan).
        public var sourceProbe: ProbeResult?
        /// The baseline's sample, when comparing with a baseline.
        public var expected: ContentSample?

        /// A pair; give `source` for a live comparison or `expected` for a baseline's sample.
        public init(key: String, target: Target, source: Target? = nil, sourceProbe: ProbeResult? = nil,
                    expected: ContentSample? = nil) {
            self.key = key
            self.target = target
            self.source = source
            self.sourceProbe = sourceProbe
            self.expected = expected
        }
    }

    /// What the comparison found.
    public struct Outcome: Sendable {
        /// Disk key → content findings (`content-mismatch`, `unreadable-region`).
        public var findings: [String: [Finding]]
        /// Disk key → other disks' keys whose sampled content the volume holds.
        public var matches: [String: Set<String>]
        /// Disk key → regions of the volume byte-identical to another source's (issue 10).
        public var regions: [String: [ContentRegionMatch]] = [:]
        /// Disk key → the sampled check against its own source, when it differed.
        public var sampleChecks: [String: SampleCheck] = [:]
        /// Disk key → the full comparison's differing extents, when it differed.
        public var differences: [String: (extents: [DifferingExtent], truncated: Bool)] = [:]
    }

    /// Codes that the size rule already reports; content findings with them are dropped.
    static let coveredElsewhere: Set<String> = [FindingCode.targetLargerThanSource, FindingCode.targetSmallerThanSource]

    /// Compares every pair, at most `jobs` at a time. In sample mode every source is sampled
    /// once with `seed` and each destination is checked against its own sample and, when
    /// its own does not match, against the others' (contamination evidence).
    /// `cancellation` (e.g. Ctrl-C) stops a full comparison early; what was not compared is
    /// then an inconclusive `unreadable-region`, never a pass.
    /// `progress` draws one line for the whole VM during a full comparison. Volumes held
    /// open in `open` (the probe's connections) are read through; only the others are
    /// opened anew.
    public static func run(_ pairs: [Pair], mode: Mode, seed: UInt64, jobs: Int, options: VolumeOptions,
                           cancellation: Cancellation? = nil, progress: ProgressBoard? = nil,
                           open: OpenVolumes? = nil) -> Outcome {
        let opener = Opener(open: open, options: options)
        switch mode {
        case .full:
            var outcome = full(pairs, jobs: jobs, opener: opener, cancellation: cancellation, board: progress)
            attributeFull(&outcome, pairs: pairs, seed: seed, jobs: jobs, opener: opener)
            return outcome
        case .sample: return sample(pairs, seed: seed, jobs: jobs, opener: opener)
        }
    }

    /// Gives the volume held open for a target, or opens it (and then closes it after use).
    struct Opener: Sendable {
        var open: OpenVolumes?
        var options: VolumeOptions

        /// The volume for `target`, and whether the caller opened it (and must close it).
        func acquire(_ target: Target) throws(VolumeError) -> (volume: any Volume, owned: Bool) {
            if let held = open?.volume(for: target) { return (held, false) }
            return (try VolumeOpener.open(target, options: options), true)
        }

        func with<T>(_ target: Target, _ body: (any Volume) -> T) throws(VolumeError) -> T {
            let (volume, owned) = try acquire(target)
            defer { if owned { volume.close() } }
            return body(volume)
        }
    }

    static func full(_ pairs: [Pair], jobs: Int, opener: Opener, cancellation: Cancellation?,
                     board: ProgressBoard? = nil) -> Outcome {
        // With a board, one line for the VM; without, a bar only when a single disk is
        // compared and stderr is a terminal.
        let progress = board == nil && pairs.count == 1 && isatty(STDERR_FILENO) != 0
        board?.retain(keys: pairs.map(\.key))
        board?.start()
        defer { board?.stop() }
        let results = BoundedThreads.map(count: pairs.count, jobs: jobs) { index -> ([Finding], CompareResult?) in
            let pair = pairs[index]
            guard let source = pair.source else {
                board?.finish(key: pair.key, state: .incomplete)
                return ([noSource(pair.key)], nil)
            }
            do {
                var compareOptions = CompareOptions(progress: progress, cancellation: cancellation)
                if let board {
                    let key = pair.key
                    compareOptions.onProgress = { settled, total in board.update(key: key, settled: settled, total: total) }
                }
                let s = try opener.acquire(source)
                defer { if s.owned { s.volume.close() } }
                let t = try opener.acquire(pair.target)
                defer { if t.owned { t.volume.close() } }
                let result = try ContentComparator.compare(source: s.volume, target: t.volume, options: compareOptions)
                board?.finish(key: pair.key, state: result.interrupted ? .interrupted
                              : result.status == .incomplete ? .incomplete : result.status == .different ? .differs : .done)
                var findings = result.findings.filter { !coveredElsewhere.contains($0.code) }
                if result.status == .incomplete, !findings.contains(where: { FindingCode.unread.contains($0.code) }) {
                    findings.append(unreadable(pair.key, result.interrupted
                        ? "the comparison was interrupted after \(ByteSize.human(result.bytesCompared)) compared"
                        : "the comparison did not complete"))
                }
                return (findings, result)
            } catch {
                board?.finish(key: pair.key, state: .incomplete)
                return ([unreadable(pair.key, "\(error)")], nil)
            }
        }
        var outcome = Outcome(findings: [:], matches: [:])
        for (index, pair) in pairs.enumerated() {
            outcome.findings[pair.key] = results[index].0
            if let result = results[index].1, !result.differences.isEmpty {
                outcome.differences[pair.key] = (result.differences, result.differencesTruncated)
            }
        }
        return outcome
    }

    /// Issue 10: the full comparison names where foreign bytes came from at least as well as
    /// the sampled one — the differing extents are compared with every other live source,
    /// and the volumes that differ are also checked against every source's sample.
    static func attributeFull(_ outcome: inout Outcome, pairs: [Pair], seed: UInt64, jobs: Int, opener: Opener) {
        let differing = pairs.filter { outcome.differences[$0.key] != nil }
        guard !differing.isEmpty else { return }
        let sampled = sample(pairs, seed: seed, jobs: jobs, opener: opener, only: Set(differing.map(\.key)))
        for pair in differing {
            var regions = sampled.regions[pair.key] ?? []
            if let carried = sampled.matches[pair.key] { outcome.matches[pair.key, default: []].formUnion(carried) }
            let others = pairs.filter { $0.key != pair.key }.map {
                ContentAttribution.Other(key: $0.key, sample: nil, source: $0.source, probe: $0.sourceProbe)
            }
            if let found = try? opener.with(pair.target, { volume in
                ContentAttribution.fromFull(target: volume, differences: outcome.differences[pair.key]?.extents ?? [],
                                            others: others, options: opener.options)
            }) {
                regions += found
            }
            if !regions.isEmpty {
                outcome.regions[pair.key] = ContentAttribution.withoutCovered(regions).sorted { $0.targetOffset < $1.targetOffset }
            }
        }
    }

    static func sample(_ pairs: [Pair], seed: UInt64, jobs: Int, opener: Opener,
                       only: Set<String>? = nil) -> Outcome {
        // 1. Each source's sample: from the baseline, or read from the live source.
        let samples: [ContentSample?] = BoundedThreads.map(count: pairs.count, jobs: jobs) { index in
            let pair = pairs[index]
            if let expected = pair.expected { return expected }
            guard let source = pair.source else { return nil }
            return try? opener.with(source) { ContentSampler.sample(volume: $0, probe: pair.sourceProbe, seed: seed) }
        }
        // 2. Each destination against its own sample, then against the others' when its own differs.
        typealias Checked = ([Finding], Set<String>, SampleCheck?, [ContentRegionMatch])
        let checks = BoundedThreads.map(count: pairs.count, jobs: jobs) { index -> Checked in
            let pair = pairs[index]
            if let only, !only.contains(pair.key) { return ([], [], nil, []) }
            guard let expected = samples[index] else {
                return ([pair.source == nil ? noSource(pair.key) : unreadable(pair.key, "the source could not be sampled")], [], nil, [])
            }
            do {
                return try opener.with(pair.target) { volume -> Checked in
                    let own = ContentSampler.check(target: volume, expected: expected)
                    let findings = own.findings.filter { !coveredElsewhere.contains($0.code) }
                    guard !own.mismatches.isEmpty else { return (findings, [], nil, []) }
                    let others = pairs.indices.filter { $0 != index }.map {
                        ContentAttribution.Other(key: pairs[$0].key, sample: samples[$0], source: pairs[$0].source,
                                                 probe: pairs[$0].sourceProbe)
                    }
                    let regions = ContentAttribution.fromSample(target: volume, mismatches: own.mismatches, own: expected,
                                                                ownProbe: pair.sourceProbe, others: others, options: opener.options)
                    let ownMatched = matchedFraction(own, sizeBytes: volume.sizeBytes, sample: expected)
                    var carried: Set<String> = []
                    for (other, sample) in zip(pairs, samples) where other.key != pair.key {
                        guard let sample else { continue }
                        let check = ContentSampler.check(target: volume, expected: sample)
                        let fraction = matchedFraction(check, sizeBytes: volume.sizeBytes, sample: sample)
                        if fraction >= 0.9, fraction > ownMatched { carried.insert(other.key) }
                    }
                    return (findings, carried, own, regions)
                }
            } catch {
                return ([unreadable(pair.key, "\(error)")], [], nil, [])
            }
        }
        var outcome = Outcome(findings: [:], matches: [:])
        for (index, pair) in pairs.enumerated() {
            outcome.findings[pair.key] = checks[index].0
            if !checks[index].1.isEmpty { outcome.matches[pair.key] = checks[index].1 }
            if let check = checks[index].2 { outcome.sampleChecks[pair.key] = check }
            if !checks[index].3.isEmpty { outcome.regions[pair.key] = checks[index].3 }
        }
        return outcome
    }

    /// The fraction of a sample's blocks inside the volume that matched (0 when none lie inside).
    static func matchedFraction(_ check: SampleCheck, sizeBytes: UInt64, sample: ContentSample) -> Double {
        let inside = sample.blocks.filter { $0.offset + UInt64($0.length) <= sizeBytes }.count
        guard inside > 0 else { return 0 }
        let differing = check.mismatches.filter { $0.actualSHA256 != nil }.count
        return Double(inside - differing) / Double(inside)
    }

    static func noSource(_ key: String) -> Finding {
        Finding(code: FindingCode.unreadableRegion, severity: .warning,
                message: "There is no source content to compare disk \(key)'s volume with (no live source and no sample in the baseline); its content is not verified.",
                evidence: ["inconclusive": true])
    }

    static func unreadable(_ key: String, _ error: String) -> Finding {
        Finding(code: FindingCode.unreadableRegion, severity: .warning,
                message: "The content of disk \(key)'s volume could not be compared: \(error).",
                evidence: ["inconclusive": true, "error": .string(error)])
    }

    // MARK: Issue 10 — extended labels compared field by field; foreign regions named.

    /// The content findings as the verifier takes them: for a disk whose own label was
    /// extended to its volume's end (live sources only), the sectors the extension rewrote
    /// are compared field by field (`LabelSectorComparison`); a `content-mismatch` whose
    /// differing regions were traced to another source says which disk and where.
    static func settle(_ outcome: Outcome, inventory: Inventory, targets: [TargetAssignment], sources: [TargetAssignment],
                       volumes: [String: VolumeObservation], references: [String: ProbeResult],
                       options: VolumeOptions) -> [String: [Finding]] {
        var result = outcome.findings
        for (key, findings) in outcome.findings where findings.contains(where: { $0.code == FindingCode.contentMismatch }) {
            guard let disk = inventory.disks.first(where: { $0.key == key }),
                  let probe = volumes[key]?.outcome.probe, let reference = references[key],
                  let ext = LabelExtension.assess(disk: disk, probe: probe, reference: reference, others: []),
                  let targetSpec = targets.first(where: { $0.key == key })?.target,
                  let target = try? VolumeOpener.open(targetSpec, options: options) else { continue }
            defer { target.close() }
            guard let sourceSpec = sources.first(where: { $0.key == key })?.target else {
                // A baseline: the source's sampled hashes only.
                result[key] = LabelSectorComparison.reconcileWithBaseline(findings, key: key, outcome: outcome, target: target,
                                                                          targetProbe: probe, reference: reference, extension: ext)
                continue
            }
            guard let source = try? VolumeOpener.open(sourceSpec, options: options) else { continue }
            defer { source.close() }
            let compared = LabelSectorComparison.compare(target: target, source: source, targetProbe: probe,
                                                         sourceProbe: reference, extension: ext)
            result[key] = LabelSectorComparison.reconcile(findings, key: key, outcome: outcome, target: target,
                                                          source: source, result: compared)
        }
        for (key, regions) in outcome.regions {
            guard var findings = result[key], let i = findings.firstIndex(where: { $0.code == FindingCode.contentMismatch })
            else { continue }
            findings[i].message += ContentAttribution.sentence(regions) { other in
                inventory.disks.first { $0.key == other }.map(DiskContext.describe) ?? "disk \(other)"
            }
            findings[i].evidence["carriedFrom"] = .array(regions.prefix(16).map(\.json))
            result[key] = findings
        }
        return result
    }
}
