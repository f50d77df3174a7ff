import BlockAccess
import ContentCheck
import DiskProbe

/// Samples the sources' content for a baseline, at most `jobs` at a time.
public enum BaselineSampling {
    /// One sample per target (nil when the target could not be opened), in order.
    /// Volumes held in `open` (the probe's connections) are read through, not reopened.
    public static func sample(targets: [Target], probes: [ProbeResult], seed: UInt64, jobs: Int,
                              options: VolumeOptions, open: OpenVolumes? = nil) -> [ContentSample?] {
        let opener = ContentVerification.Opener(open: open, options: options)
        return BoundedThreads.map(count: targets.count, jobs: jobs) { index in
            try? opener.with(targets[index]) { ContentSampler.sample(volume: $0, probe: probes[index], seed: seed) }
        }
    }
}
