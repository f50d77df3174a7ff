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

    /// A new channel for worker `index`: its own NBD connection when the server allows
    /// several (`NBD_FLAG_CAN_MULTI_CONN`), else the volume's own connection, which the
    /// probe already holds. A server without multi-conn may serve one client only
    /// (qemu-nbd's default): a second connection would wait unanswered for the whole
    /// --timeout, and one that exits after its first client would refuse it outright.
    /// Local files and qemu-nbd-served containers are read through the volume too.
    func makeChannel(index: Int = 0) throws(VolumeError) -> any ReadChannel {
        if case .nbd(let uri) = volume.target, canMultiConn {
            do throws(VolumeError) {
                return try NBDAsyncConnection(uri: uri, timeout: timeout)
            } catch {
                // A server may advertise multi-conn and still cap its clients (nbdkit's
                // limit filter): the first worker falls back to the volume's own connection.
                if index > 0 { throw error }
            }
        }
        guard index == 0 || !isNBD else {
            throw VolumeError(kind: .unreachable, operation: "connect", target: volume.displayName,
                              message: "the server does not allow more than one connection (no multi-conn)")
        }
        return VolumeChannel(volume: volume)
    }
}
