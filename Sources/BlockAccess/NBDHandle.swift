import CLibNBD
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// The one owner of a libnbd handle, and the only file that calls `nbd_*` (a structure
/// test holds it to that): the handle's creation, the read-only handshake, errors
/// (`nbd_get_error` and `nbd_get_errno` copied into a typed `VolumeError` at once),
/// deadlines, the asynchronous submission and completion of reads and block-status
/// requests, the readiness `poll(2)` needs, and the polite close — as `FdiskLabelReader`
/// owns libfdisk's context (docs/ARCHITECTURE.md, "Layers").
///
/// `NBDVolume` (synchronous, for the probe) and `NBDAsyncConnection` (many requests in
/// flight, for the content check) are thin layers over it. Only `NBD_CMD_READ`,
/// `NBD_CMD_BLOCK_STATUS` and the disconnect are ever sent.
///
/// Not thread-safe: its owner serializes calls. Once a request passed its deadline or the
/// connection died, the handle is `failed` and never polled again, so libnbd never writes
/// into a buffer whose request was given up.
final class NBDHandle: @unchecked Sendable {
    let target: Target
    /// How failures name the target ("disk.qcow2 (qcow2 via qemu-nbd)", or the redacted target).
    let displayName: String
    /// What a closed handle is called in errors: "volume" or "connection".
    private let noun: String
    private var h: OpaquePointer?
    /// Set once the handle is unusable (server gone, timeout); every later request throws it.
    private(set) var failure: VolumeError?

    /// What the handshake told about the export.
    struct Export {
        var sizeBytes: UInt64
        var supportsBlockStatus: Bool
        var canMultiConn: Bool
        /// Largest request the server accepts, capped at 32 MiB.
        var maxRequestBytes: Int
        /// The server's minimum block size, or ≤ 0 when it gave none.
        var minimumBlockSize: Int64
        /// Whether the server exports it read-only (`NBD_FLAG_READ_ONLY`).
        var readOnly: Bool
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

    /// Creates the handle (`nbd_create`); nothing is connected yet.
    init(target: Target, displayName: String? = nil, noun: String = "connection") throws(VolumeError) {
        self.target = target
        self.displayName = displayName ?? target.redacted
        self.noun = noun
        guard let h = nbd_create() else {
            throw VolumeError(kind: .unreachable, operation: "nbd_create", target: target.redacted,
                              message: NBDHandle.copyError(), errno: nbd_get_errno())
        }
        self.h = h
    }

    deinit {
        if let h { nbd_close(h) }
    }

    // MARK: - Errors

    /// Copies `nbd_get_error()` at once: it is valid only until the next call on this thread.
    private static func copyError() -> String {
        if let p = nbd_get_error() { return String(cString: p) }
        return "unknown libnbd error"
    }

    /// The last libnbd error as a `VolumeError`, with URIs in its text redacted.
    func error(_ operation: String, kind: VolumeError.Kind) -> VolumeError {
        VolumeError(kind: kind, operation: operation, target: target.redacted,
                    message: Target.redactInText(NBDHandle.copyError()), errno: nbd_get_errno())
    }

    /// Marks the handle unusable for good; the first reason is kept.
    func markFailed(_ reason: VolumeError) {
        if failure == nil { failure = reason }
    }

    /// The live handle, or the error that says why there is none.
    private func live(_ operation: String) throws(VolumeError) -> OpaquePointer {
        if let failure {
            throw VolumeError(kind: .closed, operation: operation, target: displayName,
                              message: "connection is unusable after an earlier failure: \(failure.message)")
        }
        guard let h else {
            throw VolumeError(kind: .closed, operation: operation, target: displayName, message: "\(noun) is closed")
        }
        return h
    }

    // MARK: - Connecting

    /// Connects by `how` and waits for the handshake, at most `timeout`. Asks for
    /// `base:allocation`; lets the URI name a PSK file (`tls-psk-file=`), as the target
    /// forms of docs/CONTRACT.md allow. `initializeReadBuffers: false` lets libnbd skip
    /// zeroing read buffers (they are only looked at after a successful read).
    func connect(_ how: Connection, timeout: Duration, initializeReadBuffers: Bool) throws(VolumeError) -> Export {
        let h = try live("connect")
        func check(_ operation: String, _ status: Int32) throws(VolumeError) {
            if status == -1 { throw error(operation, kind: .unreachable) }
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
            if isDead { throw error("connect", kind: .unreachable) }
            let remaining = clock.now.duration(to: deadline)
            if remaining <= .zero {
                throw VolumeError(kind: .timeout, operation: "connect", target: target.redacted,
                                  message: NBDHandle.handshakeTimeoutMessage(timeout))
            }
            try check("connect", nbd_poll(h, NBDHandle.pollMilliseconds(remaining)))
        }
        let size = nbd_get_size(h)
        if size < 0 { throw error("nbd_get_size", kind: .unreachable) }
        let maxBlock = nbd_get_block_size(h, Int32(LIBNBD_SIZE_MAXIMUM))
        return Export(sizeBytes: UInt64(size),
                      supportsBlockStatus: nbd_can_meta_context(h, "base:allocation") == 1,
                      canMultiConn: nbd_can_multi_conn(h) == 1,
                      maxRequestBytes: maxBlock > 0 ? min(32 << 20, Int(maxBlock)) : 32 << 20,
                      minimumBlockSize: nbd_get_block_size(h, Int32(LIBNBD_SIZE_MINIMUM)),
                      readOnly: nbd_is_read_only(h) == 1)
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

    // MARK: - State

    /// Whether the connection is dead or closed (libnbd's state machine says so).
    var isDead: Bool {
        guard let h else { return true }
        return nbd_aio_is_dead(h) == 1 || nbd_aio_is_closed(h) == 1
    }

    /// Whether the handle exists and is neither failed nor dead.
    var isUsable: Bool { h != nil && failure == nil && !isDead }

    // MARK: - Requests

    /// Sends a read of `buffer.count` bytes at `offset` (`nbd_aio_pread`); returns its cookie.
    /// The buffer must stay valid until the command completes or the handle fails or closes.
    func submitRead(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws(VolumeError) -> Int64 {
        let h = try live("nbd_aio_pread")
        let cookie = nbd_aio_pread(h, buffer.baseAddress, buffer.count, offset,
                                   nbd_completion_callback(callback: nil, user_data: nil, free: nil), 0)
        if cookie < 0 { throw error("nbd_aio_pread at offset \(offset)", kind: .readFailed) }
        return cookie
    }

    /// Sends a `base:allocation` block-status request of `length` bytes at `offset`
    /// (`nbd_aio_block_status`), whose extents `collector` gathers; returns its cookie.
    func submitBlockStatus(_ collector: BlockStatusCollector, offset: UInt64, length: UInt64) throws(VolumeError) -> Int64 {
        let h = try live("nbd_aio_block_status")
        let cookie = nbd_aio_block_status(h, length, offset, collector.callback(),
                                          nbd_completion_callback(callback: nil, user_data: nil, free: nil), 0)
        if cookie < 0 { throw error("nbd_aio_block_status at offset \(offset)", kind: .readFailed) }
        return cookie
    }

    /// How a command ended, once.
    enum CommandState {
        case pending
        case succeeded
        /// The command failed; the error is copied at once.
        case failed(VolumeError)
    }

    /// Retires `cookie` if libnbd has finished it (`nbd_aio_command_completed`). `operation`
    /// names it in the error.
    func completion(of cookie: Int64, operation: @autoclosure () -> String) -> CommandState {
        guard let h else { return .pending }
        switch nbd_aio_command_completed(h, UInt64(cookie)) {
        case 1: return .succeeded
        case -1: return .failed(error(operation(), kind: .readFailed))
        default: return .pending
        }
    }

    /// The cookie of a command libnbd has finished and not yet retired, or nil
    /// (`nbd_aio_peek_command_completed`).
    func nextCompleted() -> Int64? {
        guard let h else { return nil }
        let cookie = nbd_aio_peek_command_completed(h)
        return cookie > 0 ? cookie : nil
    }

    /// Commands sent and not yet retired (`nbd_aio_in_flight`).
    var commandsInFlight: Int {
        guard let h else { return 0 }
        return Int(max(0, nbd_aio_in_flight(h)))
    }

    /// Waits up to `milliseconds` for this handle alone to make progress (`nbd_poll`).
    /// False when the poll failed (the connection is broken).
    func poll(milliseconds: Int32) -> Bool {
        guard let h else { return false }
        return nbd_poll(h, milliseconds) != -1
    }

    /// Polls until `done` says true (or throws: the command failed, the caller knows why),
    /// the connection dies, or `timeout` passes without `done` becoming true. A dead
    /// connection or a timeout fails the handle for good. `operation` names the request in
    /// the error.
    func pollUntil(timeout: Duration, operation: @autoclosure () -> String, kind: VolumeError.Kind,
                   _ done: () throws(VolumeError) -> Bool) throws(VolumeError) {
        try pollUntil(timeout: timeout, restartOnProgress: false, operation: operation(), kind: kind, done)
    }

    /// Like `pollUntil`, but the timeout counts from the last command that completed: a
    /// round of many requests fails only when the server stops answering for `timeout`.
    func pollUntilProgress(timeout: Duration, operation: @autoclosure () -> String, kind: VolumeError.Kind,
                           _ done: () throws(VolumeError) -> Bool) throws(VolumeError) {
        try pollUntil(timeout: timeout, restartOnProgress: true, operation: operation(), kind: kind, done)
    }

    private func pollUntil(timeout: Duration, restartOnProgress: Bool, operation: @autoclosure () -> String,
                           kind: VolumeError.Kind, _ done: () throws(VolumeError) -> Bool) throws(VolumeError) {
        var deadline = ProgressDeadline(timeout: timeout)
        var inFlight = commandsInFlight
        while true {
            if try done() { return }
            if restartOnProgress {
                let now = commandsInFlight
                if now < inFlight { deadline.progressed() }
                inFlight = now
            }
            if isDead {
                let e = error(operation(), kind: kind == .readFailed ? .readFailed : .unreachable)
                markFailed(e)
                throw e
            }
            let remaining = deadline.remaining
            if remaining <= .zero {
                let e = deadline.error(operation(), target: displayName)
                markFailed(e)
                throw e
            }
            if !poll(milliseconds: NBDHandle.pollMilliseconds(remaining)) {
                let e = error(operation(), kind: kind)
                markFailed(e)
                throw e
            }
        }
    }

    /// Sends the read and waits for it, at most `timeout`.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64, timeout: Duration) throws(VolumeError) {
        let cookie = try submitRead(into: buffer, at: offset)
        let operation = "nbd_pread at offset \(offset) length \(buffer.count)"
        try pollUntil(timeout: timeout, operation: operation, kind: .readFailed) { () throws(VolumeError) -> Bool in
            switch completion(of: cookie, operation: operation) {
            case .succeeded: return true
            case .pending: return false
            case .failed(let e): throw e
            }
        }
    }

    // MARK: - Readiness, for one poll(2) over several handles

    /// The descriptor and `poll(2)` events libnbd waits for (`nbd_aio_get_fd`,
    /// `nbd_aio_get_direction`); nil when it waits for nothing.
    func pollDescriptor() -> pollfd? {
        guard let h, failure == nil else { return nil }
        let fd = nbd_aio_get_fd(h)
        let direction = nbd_aio_get_direction(h)
        var events: Int16 = 0
        if direction & UInt32(LIBNBD_AIO_DIRECTION_READ) != 0 { events |= Int16(POLLIN) }
        if direction & UInt32(LIBNBD_AIO_DIRECTION_WRITE) != 0 { events |= Int16(POLLOUT) }
        guard fd >= 0, events != 0 else { return nil }
        return pollfd(fd: fd, events: events, revents: 0)
    }

    /// Tells libnbd what `poll(2)` returned for its descriptor (`nbd_aio_notify_read`,
    /// `nbd_aio_notify_write`). False when the state machine failed.
    func notify(revents: Int16) -> Bool {
        guard let h else { return false }
        let r = Int32(revents)
        var status: Int32 = 0
        if r & (Int32(POLLIN) | Int32(POLLHUP) | Int32(POLLERR)) != 0 {
            status = nbd_aio_notify_read(h)
        } else if r & Int32(POLLOUT) != 0 {
            status = nbd_aio_notify_write(h)
        }
        return status != -1
    }

    // MARK: - Closing

    /// Closes the handle politely: when `drain`, requests still in flight are given up to
    /// `limit` to be answered first; then the disconnect (`NBD_CMD_DISC`, as `nbd_shutdown`
    /// sends it, through its asynchronous form `nbd_aio_disconnect` so that a silent server
    /// cannot hang the close) and up to `limit` for the server to end the connection, then
    /// `nbd_close`. A server must never see its client vanish with replies in flight (nbdkit
    /// 1.32 aborted on that). A failed or dead handle is just closed. `beforeDisconnect`
    /// runs after the drain (to retire what completed). Idempotent.
    func close(drain: Bool, limit: Duration, beforeDisconnect: () -> Void = {}) {
        guard let h else { return }
        if failure == nil, !isDead {
            let clock = ContinuousClock()
            if drain {
                let deadline = clock.now + limit
                while nbd_aio_in_flight(h) > 0, nbd_aio_is_dead(h) == 0, clock.now < deadline {
                    if nbd_poll(h, 100) == -1 { break }
                }
                beforeDisconnect()
            }
            if nbd_aio_in_flight(h) == 0, nbd_aio_is_ready(h) == 1, nbd_aio_disconnect(h, 0) == 0 {
                let deadline = clock.now + limit
                while nbd_aio_is_closed(h) == 0, nbd_aio_is_dead(h) == 0, clock.now < deadline {
                    if nbd_poll(h, 100) == -1 { break }
                }
            }
        }
        nbd_close(h)
        self.h = nil
    }

    /// Whether the handle was closed.
    var isClosed: Bool { h == nil }
}

/// The request timeout of both NBD paths — `NBDHandle.pollUntilProgress` (the probe's
/// rounds) and `NBDAsyncConnection` (the content checks, many requests in flight): it
/// counts from the last answer, so a round of many requests fails only once the server
/// has stopped answering for `timeout`, not because the round is long.
struct ProgressDeadline {
    let timeout: Duration
    private var last = ContinuousClock.now

    /// A deadline `timeout` from now.
    init(timeout: Duration) { self.timeout = timeout }

    /// An answer came (or requests went out to an idle server): the timeout counts from now.
    mutating func progressed() { last = .now }

    /// What is left of the timeout; zero or less once it has passed.
    var remaining: Duration { timeout - (ContinuousClock.now - last) }

    /// The error of a server that stopped answering during `operation`.
    func error(_ operation: String, target: String) -> VolumeError {
        VolumeError(kind: .timeout, operation: operation, target: target,
                    message: "no answer from the server within \(timeout) (--timeout)")
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
