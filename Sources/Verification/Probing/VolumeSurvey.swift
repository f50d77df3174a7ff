import BlockAccess
import DiskProbe
import Foundation

/// Opens and probes many volumes at once, at most `jobs` at a time, on dedicated threads:
/// probing is blocking C I/O (libnbd, libfdisk, libblkid) and must not occupy Swift's
/// cooperative thread pool.
public enum VolumeSurvey {
    /// One volume to probe.
    public struct Item: Sendable {
        /// Any name the caller wants back with the result, e.g. a disk key.
        public var key: String
        public var target: Target

        public init(key: String, target: Target) {
            self.key = key
            self.target = target
        }
    }

    /// Probes every item and returns key → outcome. A volume that cannot be opened is
    /// `.unreachable`; a probe that fails is `.probeFailed`. Never throws: every failure is
    /// an outcome that keeps the verdict from passing.
    public static func probe(_ items: [Item], jobs: Int, options: VolumeOptions,
                             probeOptions: ProbeOptions = ProbeOptions()) -> [String: ReadOutcome] {
        let results = ResultBox(count: items.count)
        let workers = max(1, min(jobs, items.count))
        let group = DispatchGroup()
        for _ in 0..<workers {
            group.enter()
            let thread = Thread {
                while let index = results.nextIndex() {
                    results.store(outcome(for: items[index].target, options: options, probeOptions: probeOptions), at: index)
                }
                group.leave()
            }
            thread.stackSize = 4 << 20
            thread.start()
        }
        group.wait()
        var byKey: [String: ReadOutcome] = [:]
        for (index, item) in items.enumerated() { byKey[item.key] = results.outcome(at: index) }
        return byKey
    }

    /// Opens and probes one target.
    public static func outcome(for target: Target, options: VolumeOptions, probeOptions: ProbeOptions) -> ReadOutcome {
        let volume: any Volume
        do {
            volume = try VolumeOpener.open(target, options: options)
        } catch {
            return .unreachable(message: error.description)
        }
        defer { volume.close() }
        do {
            return .probed(try DiskProber.probe(volume, options: probeOptions))
        } catch {
            return .probeFailed(message: error.description)
        }
    }

    /// The shared work index and results, behind a lock.
    private final class ResultBox: @unchecked Sendable {
        private let lock = NSLock()
        private var next = 0
        private var outcomes: [ReadOutcome?]

        init(count: Int) { outcomes = Array(repeating: nil, count: count) }

        func nextIndex() -> Int? {
            lock.lock(); defer { lock.unlock() }
            guard next < outcomes.count else { return nil }
            defer { next += 1 }
            return next
        }

        func store(_ outcome: ReadOutcome, at index: Int) {
            lock.lock(); defer { lock.unlock() }
            outcomes[index] = outcome
        }

        func outcome(at index: Int) -> ReadOutcome {
            lock.lock(); defer { lock.unlock() }
            return outcomes[index] ?? .probeFailed(message: "the probe did not finish")
        }
    }
}
