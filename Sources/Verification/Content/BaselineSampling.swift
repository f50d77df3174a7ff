import BlockAccess
import ContentCheck
import DiskProbe

/// Samples the sources' content for a baseline, at most `jobs` at a time.
public enum BaselineSampling {
    /// One sample per target (nil when the target could not be opened), in order.
    public static func sample(targets: [Target], probes: [ProbeResult], seed: UInt64, jobs: Int,
                              options: VolumeOptions) -> [ContentSample?] {
        BoundedThreads.map(count: targets.count, jobs: jobs) { index in
            guard let volume = try? VolumeOpener.open(targets[index], options: options) else { return nil }
            defer { volume.close() }
            return ContentSampler.sample(volume: volume, probe: probes[index], seed: seed)
        }
    }
}
