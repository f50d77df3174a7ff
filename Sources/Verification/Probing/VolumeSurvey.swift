import BlockAccess
import ContentCheck
import DiskProbe
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

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
    ///
    /// Items naming one export (equal `Target.identity`) are probed once, over one
    /// connection. With `keepOpen`, every volume that was probed stays open there, so later
    /// reads reuse the probe's connection instead of asking the server for another one.
    public static func probe(_ items: [Item], jobs: Int, options: VolumeOptions,
                             probeOptions: ProbeOptions = ProbeOptions(), cancellation: Cancellation? = nil,
                             keepOpen: OpenVolumes? = nil) -> [String: ReadOutcome] {
        var unique: [Target] = []
        var seen: [String: Int] = [:]
        for item in items where seen[item.target.identity] == nil {
            seen[item.target.identity] = unique.count
            unique.append(item.target)
        }
        let targets = unique
        let outcomes = BoundedThreads.map(count: targets.count, jobs: jobs) { index -> ReadOutcome in
            if cancellation?.isCancelled == true { return .notRead(reason: "the run was interrupted (Ctrl-C) before it was read") }
            return outcome(for: targets[index], options: options, probeOptions: probeOptions, keepOpen: keepOpen)
        }
        var byKey: [String: ReadOutcome] = [:]
        for item in items { byKey[item.key] = seen[item.target.identity].map { outcomes[$0] } }
        return byKey
    }

    /// Opens and probes one target; with `keepOpen` a probed volume is left open there.
    public static func outcome(for target: Target, options: VolumeOptions, probeOptions: ProbeOptions,
                               keepOpen: OpenVolumes? = nil) -> ReadOutcome {
        let volume: any Volume
        do {
            volume = try VolumeOpener.open(target, options: options)
        } catch {
            return .unreachable(message: error.description)
        }
        do {
            let probe = try DiskProber.probe(volume, options: probeOptions)
            if let keepOpen { keepOpen.keep(volume, for: target) } else { volume.close() }
            return .probed(probe)
        } catch {
            volume.close()
            return .probeFailed(message: error.description)
        }
    }
}
