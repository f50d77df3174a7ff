import AuditCore
import BlockAccess
import ContentCheck
import DiskProbe
import Foundation

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
    }

    /// Codes that the size rule already reports; content findings with them are dropped.
    static let coveredElsewhere: Set<String> = [FindingCode.targetLargerThanSource, FindingCode.targetSmallerThanSource]

    /// Compares every pair, at most `jobs` at a time. In sample mode every source is sampled
    /// once with `seed` and each destination is checked against its own sample and, when
    /// its own does not match, against the others' (contamination evidence).
    /// `cancellation` (e.g. Ctrl-C) stops a full comparison early; what was not compared is
    /// then an inconclusive `unreadable-region`, never a pass.
    /// Volumes held open in `open` (the probe's connections) are read through; only the
    /// others are opened anew.
    public static func run(_ pairs: [Pair], mode: Mode, seed: UInt64, jobs: Int, options: VolumeOptions,
                           cancellation: Cancellation? = nil, open: OpenVolumes? = nil) -> Outcome {
        let opener = Opener(open: open, options: options)
        switch mode {
        case .full: return full(pairs, jobs: jobs, opener: opener, cancellation: cancellation)
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

    static func full(_ pairs: [Pair], jobs: Int, opener: Opener, cancellation: Cancellation?) -> Outcome {
        // One progress bar at a time: only when a single disk is compared and stderr is a terminal.
        let progress = pairs.count == 1 && isatty(STDERR_FILENO) != 0
        let results = BoundedThreads.map(count: pairs.count, jobs: jobs) { index -> [Finding] in
            let pair = pairs[index]
            guard let source = pair.source else { return [noSource(pair.key)] }
            do {
                let compareOptions = CompareOptions(progress: progress, cancellation: cancellation)
                let s = try opener.acquire(source)
                defer { if s.owned { s.volume.close() } }
                let t = try opener.acquire(pair.target)
                defer { if t.owned { t.volume.close() } }
                let result = try ContentComparator.compare(source: s.volume, target: t.volume, options: compareOptions)
                var findings = result.findings.filter { !coveredElsewhere.contains($0.code) }
                if result.status == .incomplete, !findings.contains(where: { FindingCode.unread.contains($0.code) }) {
                    findings.append(unreadable(pair.key, result.interrupted
                        ? "the comparison was interrupted after \(ByteSize.human(result.bytesCompared)) compared"
                        : "the comparison did not complete"))
                }
                return findings
            } catch {
                return [unreadable(pair.key, "\(error)")]
            }
        }
        var findings: [String: [Finding]] = [:]
        for (index, pair) in pairs.enumerated() { findings[pair.key] = results[index] }
        return Outcome(findings: findings, matches: [:])
    }

    static func sample(_ pairs: [Pair], seed: UInt64, jobs: Int, opener: Opener) -> Outcome {
        // 1. Each source's sample: from the baseline, or read from the live source.
        let samples: [ContentSample?] = BoundedThreads.map(count: pairs.count, jobs: jobs) { index in
            let pair = pairs[index]
            if let expected = pair.expected { return expected }
            guard let source = pair.source else { return nil }
            return try? opener.with(source) { ContentSampler.sample(volume: $0, probe: pair.sourceProbe, seed: seed) }
        }
        // 2. Each destination against its own sample, then against the others' when its own differs.
        let checks = BoundedThreads.map(count: pairs.count, jobs: jobs) { index -> ([Finding], Set<String>) in
            let pair = pairs[index]
            guard let expected = samples[index] else {
                return ([pair.source == nil ? noSource(pair.key) : unreadable(pair.key, "the source could not be sampled")], [])
            }
            do {
                return try opener.with(pair.target) { volume -> ([Finding], Set<String>) in
                    let own = ContentSampler.check(target: volume, expected: expected)
                    let findings = own.findings.filter { !coveredElsewhere.contains($0.code) }
                    guard !own.mismatches.isEmpty else { return (findings, []) }
                    let ownMatched = matchedFraction(own, sizeBytes: volume.sizeBytes, sample: expected)
                    var carried: Set<String> = []
                    for (other, sample) in zip(pairs, samples) where other.key != pair.key {
                        guard let sample else { continue }
                        let check = ContentSampler.check(target: volume, expected: sample)
                        let fraction = matchedFraction(check, sizeBytes: volume.sizeBytes, sample: sample)
                        if fraction >= 0.9, fraction > ownMatched { carried.insert(other.key) }
                    }
                    return (findings, carried)
                }
            } catch {
                return ([unreadable(pair.key, "\(error)")], [])
            }
        }
        var findings: [String: [Finding]] = [:]
        var matches: [String: Set<String>] = [:]
        for (index, pair) in pairs.enumerated() {
            findings[pair.key] = checks[index].0
            if !checks[index].1.isEmpty { matches[pair.key] = checks[index].1 }
        }
        return Outcome(findings: findings, matches: matches)
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
}
