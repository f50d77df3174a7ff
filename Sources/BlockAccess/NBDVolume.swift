import CLibNBD
import Foundation

/// An NBD export read through libnbd. Read-only: only `NBD_CMD_READ` and
/// `NBD_CMD_BLOCK_STATUS` are ever sent.
///
/// Every request goes through libnbd's asynchronous API and `nbd_poll` with a deadline,
/// so a slow or silent server ends in a `.timeout` error rather than a hang. After a
/// timeout the connection is considered dead and not polled again (the pending request's
/// buffer must never be written after it was given back).
public final class NBDVolume: Volume, @unchecked Sendable {
    public let target: Target
    public private(set) var sizeBytes: UInt64 = 0
    public private(set) var logicalSectorSize: Int = 512
    public private(set) var sectorSizeOrigin = SectorSizeOrigin.assumed
    public private(set) var supportsBlockStatus = false
    /// Whether the server allows several connections to one export (`NBD_FLAG_CAN_MULTI_CONN`).
    public private(set) var canMultiConn = false
    /// Largest request the server accepts, capped at 32 MiB.
    public private(set) var maxRequestBytes = 32 * 1024 * 1024
    /// Whether the server exports it read-only (`NBD_FLAG_READ_ONLY`, `nbd_is_read_only`).
    public private(set) var isReadOnlyExport = false
    /// The target, redacted; for an image container also its format and how it is read,
    /// e.g. "disk.qcow2 (qcow2 via qemu-nbd)".
    public let displayName: String
    /// The image container format when the volume is a local image served by qemu-nbd
    /// (socket activation), nil for an NBD URI.
    public let containerFormat: ImageContainerFormat?

    /// Per-request timeout.
    public let timeout: Duration

    private let lock = NSLock()
    private var handle: OpaquePointer?
    private var dead: VolumeError?

    /// Connects to `uri`. The corresponding C functions are `nbd_create`,
    /// `nbd_add_meta_context` and `nbd_aio_connect_uri`.
    public convenience init(uri: String, sectorSize: Int? = nil, timeout: Duration = .seconds(30)) throws(VolumeError) {
        try self.init(target: .nbd(uri: uri), how: .uri(uri), container: nil, sectorSize: sectorSize, timeout: timeout)
    }

    /// Reads the local image container `path` (qcow2, VMDK, VHD, VHDX, VDI) as the guest
    /// sees it: libnbd starts `qemu-nbd -r -f FORMAT PATH` with socket activation, as
    /// `nbdinfo -- [ qemu-nbd -r -f qcow2 PATH ]` does, and stops it when the volume closes.
    /// `qemuNBD` is the qemu-nbd executable to run. The corresponding C function is
    /// `nbd_aio_connect_systemd_socket_activation`.
    public convenience init(container path: String, format: ImageContainerFormat, qemuNBD: String,
                            sectorSize: Int? = nil, timeout: Duration = .seconds(30)) throws(VolumeError) {
        try self.init(target: .file(path: path), how: .socketActivation(argv: format.qemuNBDArguments(qemuNBD, path: path)),
                      container: format, sectorSize: sectorSize, timeout: timeout)
    }

    init(target: Target, how: LibNBD.Connection, container: ImageContainerFormat?, sectorSize: Int?,
         timeout: Duration) throws(VolumeError) {
        self.target = target
        self.timeout = timeout
        self.containerFormat = container
        self.displayName = container.map { "\(target.redacted) (\($0.reportName) via qemu-nbd)" } ?? target.redacted
        guard let h = nbd_create() else {
            throw VolumeError(kind: .unreachable, operation: "nbd_create", target: target.redacted,
                              message: LibNBD.copyError(), errno: nbd_get_errno())
        }
        // Stored at once: deinit closes it on every throw below.
        self.handle = h
        let export: LibNBD.Export
        do throws(VolumeError) {
            export = try LibNBD.connect(h, how: how, target: target, timeout: timeout, initializeReadBuffers: true)
        } catch {
            var e = error
            if let container {
                // qemu-nbd prints its own reason (a missing extent file, a damaged header) on stderr.
                e.message = "qemu-nbd could not serve this \(container.commonName) image (its own message, if any, is above): "
                    + e.message
            }
            throw e
        }
        self.sizeBytes = export.sizeBytes
        self.supportsBlockStatus = export.supportsBlockStatus
        self.canMultiConn = export.canMultiConn
        self.maxRequestBytes = export.maxRequestBytes
        self.isReadOnlyExport = nbd_is_read_only(h) == 1
        let minBlock = export.minimumBlockSize
        if let s = sectorSize {
            logicalSectorSize = s
            sectorSizeOrigin = .forced
        } else if minBlock >= 512, minBlock <= 65536, minBlock & (minBlock - 1) == 0 {
            logicalSectorSize = Int(minBlock)
            sectorSizeOrigin = .nbdMinimumBlockSize
        }
    }

    deinit {
        if let h = handle { nbd_close(h) }
    }

    /// Closes the connection: a polite `NBD_CMD_DISC` (so the server has let go of the
    /// export before this returns, which bounds how many connections a caller holds),
    /// waiting at most 2 s, then `nbd_close`. A dead connection is just closed.
    public func close() {
        lock.lock(); defer { lock.unlock() }
        guard let h = handle else { return }
        if dead == nil, nbd_aio_is_ready(h) == 1, nbd_aio_disconnect(h, 0) == 0 {
            let clock = ContinuousClock()
            let deadline = clock.now.advanced(by: min(timeout, .seconds(2)))
            while nbd_aio_is_closed(h) == 0, nbd_aio_is_dead(h) == 0, clock.now < deadline {
                if nbd_poll(h, 100) == -1 { break }
            }
        }
        nbd_close(h)
        handle = nil
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws(VolumeError) {
        try checkRange(offset: offset, count: buffer.count)
        lock.lock(); defer { lock.unlock() }
        let h = try liveHandle("nbd_aio_pread")
        var done = 0
        while done < buffer.count {
            let n = min(maxRequestBytes, buffer.count - done)
            let at = offset + UInt64(done)
            let cookie = nbd_aio_pread(h, buffer.baseAddress! + done, n, at, LibNBD.noCompletion, 0)
            if cookie < 0 { throw error("nbd_aio_pread at offset \(at)", kind: .readFailed) }
            try wait(cookie: cookie, operation: "nbd_pread at offset \(at) length \(n)")
            done += n
        }
    }

    public func extents(offset: UInt64, length: UInt64) throws(VolumeError) -> [Extent] {
        let end = min(offset + length, sizeBytes)
        guard offset < end else { return [] }
        guard supportsBlockStatus else { return [Extent(offset: offset, length: end - offset, hole: false, zero: false)] }
        lock.lock(); defer { lock.unlock() }
        let h = try liveHandle("nbd_aio_block_status")
        let collector = BlockStatusCollector(start: offset, end: end)
        let callback = collector.callback()
        let count = min(end - offset, UInt64(UInt32.max / 2))
        let cookie = nbd_aio_block_status(h, count, offset, callback, LibNBD.noCompletion, 0)
        if cookie < 0 { throw error("nbd_aio_block_status at offset \(offset)", kind: .readFailed) }
        try wait(cookie: cookie, operation: "nbd_block_status at offset \(offset)")
        if collector.extents.isEmpty {
            return [Extent(offset: offset, length: end - offset, hole: false, zero: false)]
        }
        return collector.extents
    }

    // MARK: - The libnbd funnel

    private func error(_ operation: String, kind: VolumeError.Kind) -> VolumeError {
        LibNBD.error(operation, kind: kind, target: target)
    }

    private func liveHandle(_ operation: String) throws(VolumeError) -> OpaquePointer {
        if let dead { throw VolumeError(kind: .closed, operation: operation, target: displayName,
                                        message: "connection is unusable after an earlier failure: \(dead.message)") }
        guard let h = handle else {
            throw VolumeError(kind: .closed, operation: operation, target: displayName, message: "volume is closed")
        }
        return h
    }

    private func wait(cookie: Int64, operation: String) throws(VolumeError) {
        guard let h = handle else { return }
        try pollUntil(operation: operation, kind: .readFailed) {
            let r = nbd_aio_command_completed(h, UInt64(cookie))
            return r == 1 ? true : (r == -1 ? nil : false)
        }
    }

    /// Polls the handle until `done` returns true (or nil: the command failed, read the
    /// error now), the connection dies, or the timeout passes.
    private func pollUntil(operation: String, kind: VolumeError.Kind, _ done: () -> Bool?) throws(VolumeError) {
        guard let h = handle else { return }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while true {
            switch done() {
            case .some(true): return
            case .none: throw error(operation, kind: kind)
            case .some(false): break
            }
            if nbd_aio_is_dead(h) == 1 || nbd_aio_is_closed(h) == 1 {
                let e = error(operation, kind: kind == .readFailed ? .readFailed : .unreachable)
                dead = e
                throw e
            }
            let remaining = clock.now.duration(to: deadline)
            if remaining <= .zero {
                let e = VolumeError(kind: .timeout, operation: operation, target: displayName,
                                    message: "no answer from the server within \(timeout) (--timeout)")
                dead = e
                throw e
            }
            if nbd_poll(h, LibNBD.pollMilliseconds(remaining)) == -1 {
                let e = error(operation, kind: kind)
                dead = e
                throw e
            }
        }
    }
}

extension Target {
    /// Redacts anything URI-like inside a library message (libnbd errors can echo the URI).
    static func redactInText(_ text: String) -> String {
        var out = text
        for scheme in Target.nbdSchemes {
            var searchStart = out.startIndex
            while let r = out.range(of: scheme + "://", range: searchStart..<out.endIndex) {
                let end = out[r.lowerBound...].firstIndex(where: { $0 == " " || $0 == "'" || $0 == "\"" }) ?? out.endIndex
                let redacted = Target.redact(String(out[r.lowerBound..<end]))
                out.replaceSubrange(r.lowerBound..<end, with: redacted)
                searchStart = out.index(r.lowerBound, offsetBy: redacted.count, limitedBy: out.endIndex) ?? out.endIndex
            }
        }
        return out
    }
}
