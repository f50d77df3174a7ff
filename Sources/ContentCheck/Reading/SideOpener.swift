import BlockAccess

/// Opens one side of a comparison: first through `VolumeOpener` (its retry, TLS and
/// sector-size policy), then, for NBD targets, extra asynchronous connections for the
/// worker threads.
struct Side: @unchecked Sendable {
    /// The volume opened by policy; file volumes are read through it directly.
    let volume: any Volume
    let timeout: Duration

    var sizeBytes: UInt64 { volume.sizeBytes }

    /// Whether the server allows several connections (always true for local files, which
    /// are read through one shared descriptor anyway).
    var canMultiConn: Bool { (volume as? NBDVolume)?.canMultiConn ?? false }

    var isNBD: Bool { volume is NBDVolume }

    /// A new channel for one worker: its own NBD connection, or the shared local volume.
    func makeChannel() throws(VolumeError) -> any ReadChannel {
        if case .nbd(let uri) = volume.target {
            return try NBDAsyncConnection(uri: uri, timeout: timeout)
        }
        return VolumeChannel(volume: volume)
    }
}
