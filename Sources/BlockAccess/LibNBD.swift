import CLibNBD
import Foundation

/// The one funnel to libnbd that `NBDVolume` and `NBDAsyncConnection` share: error
/// copying, the read-only handshake, and the `base:allocation` callback.
enum LibNBD {
    /// No completion callback: completion is found with `nbd_aio_command_completed`.
    static var noCompletion: nbd_completion_callback { nbd_completion_callback(callback: nil, user_data: nil, free: nil) }

    /// Copies `nbd_get_error()` at once: it is valid only until the next call on this thread.
    static func copyError() -> String {
        if let p = nbd_get_error() { return String(cString: p) }
        return "unknown libnbd error"
    }

    /// The last libnbd error as a `VolumeError`, with URIs in its text redacted.
    static func error(_ operation: String, kind: VolumeError.Kind, target: Target) -> VolumeError {
        let message = copyError()
        return VolumeError(kind: kind, operation: operation, target: target.redacted,
                           message: Target.redactInText(message), errno: nbd_get_errno())
    }

    /// What the handshake told about the export.
    struct Export {
        var sizeBytes: UInt64
        var supportsBlockStatus: Bool
        var canMultiConn: Bool
        /// Largest request the server accepts, capped at 32 MiB.
        var maxRequestBytes: Int
        /// The server's minimum block size, or ≤ 0 when it gave none.
        var minimumBlockSize: Int64
    }

    /// Connects the fresh handle `h` to `uri` and waits for the handshake, at most `timeout`.
    /// Asks for `base:allocation`; lets the URI name a PSK file (`tls-psk-file=`), as
    /// the target forms of docs/CONTRACT.md allow. The caller owns `h` and closes it on a throw.
    /// The corresponding C functions are `nbd_add_meta_context` and `nbd_aio_connect_uri`.
    static func connect(_ h: OpaquePointer, uri: String, target: Target, timeout: Duration,
                        initializeReadBuffers: Bool) throws(VolumeError) -> Export {
        try connect(h, how: .uri(uri), target: target, timeout: timeout, initializeReadBuffers: initializeReadBuffers)
    }

    /// How a handle reaches its server.
    enum Connection {
        /// An NBD URI (`nbd_aio_connect_uri`).
        case uri(String)
        /// A server libnbd starts itself and hands a listening socket, as systemd socket
        /// activation does (`nbd_aio_connect_systemd_socket_activation`); e.g.
        /// `qemu-nbd -r -f qcow2 FILE`. libnbd kills the server when the handle closes.
        case socketActivation(argv: [String])
    }

    /// Connects `h` by `how` and waits for the handshake, at most `timeout`.
    static func connect(_ h: OpaquePointer, how: Connection, target: Target, timeout: Duration,
                        initializeReadBuffers: Bool) throws(VolumeError) -> Export {
        func check(_ operation: String, _ status: Int32) throws(VolumeError) {
            if status == -1 { throw error(operation, kind: .unreachable, target: target) }
        }
        try check("nbd_add_meta_context", nbd_add_meta_context(h, "base:allocation"))
        if !initializeReadBuffers { try check("nbd_set_pread_initialize", nbd_set_pread_initialize(h, false)) }
        switch how {
        case .uri(let uri):
            try check("nbd_set_uri_allow_local_file", nbd_set_uri_allow_local_file(h, true))
            try check("nbd_aio_connect_uri", nbd_aio_connect_uri(h, uri))
        case .socketActivation(let argv):
            // A NULL-terminated argv of C strings, alive for the call (libnbd copies it).
            var cStrings: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) }
            cStrings.append(nil)
            defer { cStrings.forEach { free($0) } }
            let status = cStrings.withUnsafeMutableBufferPointer { buffer in
                nbd_aio_connect_systemd_socket_activation(h, buffer.baseAddress)
            }
            try check("nbd_aio_connect_systemd_socket_activation", status)
        }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while nbd_aio_is_ready(h) != 1 {
            if nbd_aio_is_dead(h) == 1 || nbd_aio_is_closed(h) == 1 { throw error("connect", kind: .unreachable, target: target) }
            let remaining = clock.now.duration(to: deadline)
            if remaining <= .zero {
                throw VolumeError(kind: .timeout, operation: "connect", target: target.redacted,
                                  message: handshakeTimeoutMessage(timeout))
            }
            try check("connect", nbd_poll(h, pollMilliseconds(remaining)))
        }
        let size = nbd_get_size(h)
        if size < 0 { throw error("nbd_get_size", kind: .unreachable, target: target) }
        let maxBlock = nbd_get_block_size(h, Int32(LIBNBD_SIZE_MAXIMUM))
        return Export(sizeBytes: UInt64(size),
                      supportsBlockStatus: nbd_can_meta_context(h, "base:allocation") == 1,
                      canMultiConn: nbd_can_multi_conn(h) == 1,
                      maxRequestBytes: maxBlock > 0 ? min(32 << 20, Int(maxBlock)) : 32 << 20,
                      minimumBlockSize: nbd_get_block_size(h, Int32(LIBNBD_SIZE_MINIMUM)))
    }

    /// What a connection that never finished its handshake most likely means. A server that
    /// serves one client at a time (qemu-nbd's default, `--shared=1`) leaves later clients
    /// waiting in its listen queue without a word, so say how to give it more client slots
    /// (README.md, "Targets").
    static func handshakeTimeoutMessage(_ timeout: Duration) -> String {
        "no answer from the server within \(timeout) (--timeout). If the server accepted the connection but never "
            + "answered the handshake, it is probably already serving its only client: qemu-nbd serves one client "
            + "unless started with --shared=N (-e N) and exits after it unless started with --persistent (-t). "
            + "Disconnect the other client, or serve the export with e.g. 'qemu-nbd -r -t -e 4 …' or nbdkit"
    }

    /// A poll timeout for `nbd_poll`: what is left of a deadline, at most 1 s, at least 1 ms.
    static func pollMilliseconds(_ remaining: Duration) -> Int32 {
        let ms = remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000 + 1
        return Int32(clamping: min(ms, 1000))
    }
}

/// Gathers `base:allocation` extents from libnbd's callback, clamped to the asked range.
final class BlockStatusCollector: @unchecked Sendable {
    let start: UInt64
    let end: UInt64
    private(set) var extents: [Extent] = []

    init(start: UInt64, end: UInt64) {
        self.start = start
        self.end = end
    }

    func add(offset: UInt64, entries: UnsafeBufferPointer<UInt32>) {
        var pos = max(offset, extents.last?.end ?? offset)
        var i = 0
        while i + 1 < entries.count, pos < end {
            let length = min(UInt64(entries[i]), end - pos)
            if length == 0 { break }
            let flags = entries[i + 1]
            extents.append(Extent(offset: pos, length: length,
                                  hole: flags & UInt32(LIBNBD_STATE_HOLE) != 0,
                                  zero: flags & UInt32(LIBNBD_STATE_ZERO) != 0))
            pos += length
            i += 2
        }
    }

    /// The callback to hand `nbd_aio_block_status`. It keeps the collector alive until
    /// libnbd frees the callback (when the command retires or the handle closes), so a
    /// late reply never reaches a freed collector.
    func callback() -> nbd_extent_callback {
        nbd_extent_callback(
            callback: { userData, context, offset, entries, count, _ in
                guard let userData, let context, let entries else { return 0 }
                guard strcmp(context, "base:allocation") == 0 else { return 0 }
                Unmanaged<BlockStatusCollector>.fromOpaque(userData).takeUnretainedValue()
                    .add(offset: offset, entries: UnsafeBufferPointer(start: entries, count: count))
                return 0
            },
            user_data: Unmanaged.passRetained(self).toOpaque(),
            free: { userData in
                if let userData { Unmanaged<BlockStatusCollector>.fromOpaque(userData).release() }
            })
    }
}
