import BlockAccess
import ContentCheck
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

        /// An item to probe under `key`.
        public init(key: String, target: Target) {
            self.key = key
            self.target = target
        }
    }

    /// Probes every item and returns key → outcome. A volume that cannot be opened is
    /// `.unreachable`; a probe that fails is `.probeFailed`. Never throws: every failure is
    /// an outcome that keeps the verdict from passing.
    /// Once `cancellation` is set (Ctrl-C), volumes not yet opened are not read (`.notRead`);
    /// the probes under way finish and close politely.
    public static func probe(_ items: [Item], jobs: Int, options: VolumeOptions,
                             probeOptions: ProbeOptions = ProbeOptions(), cancellation: Cancellation? = nil) -> [String: ReadOutcome] {
        let outcomes = BoundedThreads.map(count: items.count, jobs: jobs) { index -> ReadOutcome in
            if cancellation?.isCancelled == true { return .notRead(reason: "the run was interrupted (Ctrl-C) before it was read") }
            return outcome(for: items[index].target, options: options, probeOptions: probeOptions)
        }
        var byKey: [String: ReadOutcome] = [:]
        for (index, item) in items.enumerated() { byKey[item.key] = outcomes[index] }
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
}
