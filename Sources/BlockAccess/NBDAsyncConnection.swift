#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What became of one request sent on an `NBDAsyncConnection`.
public enum NBDCompletion: Sendable {
    /// A read finished; `error` is nil when the buffer now holds the bytes.
    case read(tag: Int, error: VolumeError?)
    /// A block-status request finished with the `base:allocation` extents it returned
    /// (clamped to the asked range; possibly only a prefix of it).
    case blockStatus(tag: Int, extents: [Extent], error: VolumeError?)
}

/// One read-only libnbd connection driven through the asynchronous API: many reads and
/// block-status requests in flight at once, completed by `NBDPoll.wait`. Only
/// `NBD_CMD_READ` and `NBD_CMD_BLOCK_STATUS` are ever sent.
///
/// Not thread-safe: one thread drives a connection at a time (it is `Sendable` only so a
/// worker thread can take it over). A buffer given to `submitRead` must stay valid until
/// its completion is delivered or the connection is closed.
public final class NBDAsyncConnection: @unchecked Sendable {
    public let target: Target
    public private(set) var sizeBytes: UInt64 = 0
    /// Whether the server answers `base:allocation` block-status requests.
    public private(set) var supportsBlockStatus = false
    /// Whether the server allows several connections to one export (`NBD_FLAG_CAN_MULTI_CONN`).
    public private(set) var canMultiConn = false
    /// Largest read the server accepts, capped at 32 MiB.
    public private(set) var maxRequestBytes = 32 * 1024 * 1024
    /// A request that gets no answer for this long kills the connection (`.timeout`).
    public let timeout: Duration
    /// Set once the connection is unusable (server gone, timeout); every later submit throws it.
    public private(set) var failure: VolumeError?

    /// The libnbd handle and everything done with it (NBDHandle.swift).
    let handle: NBDHandle
    private var pending: [Int64: Pending] = [:]
    private var finished: [NBDCompletion] = []
    /// The request timeout, counted from the last answer while requests are in flight.
    private var deadline: ProgressDeadline

    private enum Pending {
        case read(tag: Int, offset: UInt64, count: Int)
        case blockStatus(tag: Int, collector: BlockStatusCollector)
    }

    /// Connects to `uri` (`nbd_aio_connect_uri`) and waits for the handshake.
    public init(uri: String, timeout: Duration = .seconds(30)) throws(VolumeError) {
        self.target = .nbd(uri: uri)
        self.timeout = timeout
        deadline = ProgressDeadline(timeout: timeout)
        // The handle closes itself on every throw below. Buffers are only looked at after
        // a successful read, so libnbd need not zero them first (a memset of every byte
        // read, ~5% of a full compare's CPU).
        handle = try NBDHandle(target: target)
        let export = try handle.connect(.uri(uri), timeout: timeout, initializeReadBuffers: false)
        sizeBytes = export.sizeBytes
        supportsBlockStatus = export.supportsBlockStatus
        canMultiConn = export.canMultiConn
        maxRequestBytes = export.maxRequestBytes
    }

    deinit { close() }

    /// Closes the connection politely: requests still in flight are given up to 2 s to be
    /// answered, then the disconnect and up to 2 s for the server to end the connection
    /// (NBDHandle.close). A dead or failed connection is just closed. Buffers of requests
    /// still in flight are no longer touched once this returns.
    public func close() {
        if let failure { handle.markFailed(failure) }
        handle.close(drain: true, limit: min(timeout, .seconds(2))) { retireCompleted() }
    }

    /// Requests still waiting for an answer.
    public var inFlight: Int { pending.count }

    /// Whether completions are waiting to be collected (no need to poll before `collect`).
    public var hasFinished: Bool { !finished.isEmpty }

    /// Sends a read of `buffer.count` bytes at `offset`; its completion carries `tag`.
    /// The corresponding C function is `nbd_aio_pread`.
    public func submitRead(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64, tag: Int) throws(VolumeError) {
        try checkUsable("nbd_aio_pread")
        if pending.isEmpty { deadline.progressed() }
        let cookie = try handle.submitRead(into: buffer, at: offset)
        pending[cookie] = .read(tag: tag, offset: offset, count: buffer.count)
    }

    /// Sends a `base:allocation` block-status request for `[offset, offset+length)`.
    /// Without block status the completion reports the whole range as data at once.
    /// The corresponding C function is `nbd_aio_block_status`.
    public func submitBlockStatus(offset: UInt64, length: UInt64, tag: Int) throws(VolumeError) {
        let end = min(offset + length, sizeBytes)
        guard supportsBlockStatus, offset < end else {
            let extents = offset < end ? [Extent(offset: offset, length: end - offset, hole: false, zero: false)] : []
            finished.append(.blockStatus(tag: tag, extents: extents, error: nil))
            return
        }
        try checkUsable("nbd_aio_block_status")
        if pending.isEmpty { deadline.progressed() }
        let collector = BlockStatusCollector(start: offset, end: end)
        let count = min(end - offset, UInt64(UInt32.max / 2) & ~UInt64(0xFFFF))
        let cookie = try handle.submitBlockStatus(collector, offset: offset, length: count)
        pending[cookie] = .blockStatus(tag: tag, collector: collector)
    }

    /// Hands over every completion that has arrived, in arrival order.
    public func collect() -> [NBDCompletion] {
        retireCompleted()
        let out = finished
        finished.removeAll(keepingCapacity: true)
        return out
    }

    // MARK: - Inside the poll loop

    /// Retires every command libnbd has finished. The corresponding C functions are
    /// `nbd_aio_peek_command_completed` and `nbd_aio_command_completed`.
    func retireCompleted() {
        while !pending.isEmpty, let cookie = handle.nextCompleted() {
            var failed: VolumeError?
            if case .failed(let e) = handle.completion(of: cookie, operation: describe(cookie)) { failed = e }
            guard let entry = pending.removeValue(forKey: cookie) else { continue }
            deadline.progressed()
            switch entry {
            case .read(let tag, _, _):
                finished.append(.read(tag: tag, error: failed))
            case .blockStatus(let tag, let collector):
                finished.append(.blockStatus(tag: tag, extents: collector.extents, error: failed))
            }
        }
    }

    /// Marks the connection dead and fails every request in flight with `reason`.
    func fail(_ reason: VolumeError) {
        if failure == nil { failure = reason }
        for (_, entry) in pending {
            switch entry {
            case .read(let tag, _, _): finished.append(.read(tag: tag, error: reason))
            case .blockStatus(let tag, _): finished.append(.blockStatus(tag: tag, extents: [], error: reason))
            }
        }
        pending.removeAll()
        // The buffers of failed requests may be reused by the caller: close so libnbd
        // never writes into them after this.
        close()
    }

    /// Checks liveness and the request timeout after a poll round.
    func checkHealth() {
        guard failure == nil, !handle.isClosed else { return }
        if handle.isDead {
            fail(error("connection", kind: .readFailed))
        } else if !pending.isEmpty, deadline.remaining < .zero {
            fail(deadline.error(describeOldest(), target: target.redacted))
        }
    }

    private func describe(_ cookie: Int64) -> String {
        switch pending[cookie] {
        case .read(_, let offset, let count): "nbd_pread at offset \(offset) length \(count)"
        case .blockStatus(_, let c): "nbd_block_status at offset \(c.start)"
        case nil: "nbd_aio_command_completed"
        }
    }

    private func describeOldest() -> String {
        pending.keys.min().map(describe) ?? "poll"
    }

    // MARK: - Errors

    func error(_ operation: String, kind: VolumeError.Kind) -> VolumeError {
        handle.error(operation, kind: kind)
    }

    private func checkUsable(_ operation: String) throws(VolumeError) {
        if let failure {
            throw VolumeError(kind: .closed, operation: operation, target: target.redacted,
                              message: "connection is unusable after an earlier failure: \(failure.message)")
        }
    }
}
