#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import AuditCore

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

    private let lock = Lock()
    /// The libnbd handle and everything done with it (NBDHandle.swift).
    private let handle: NBDHandle

    /// Connects to `uri` (`nbd_aio_connect_uri`).
    public convenience init(uri: String, sectorSize: Int? = nil, timeout: Duration = .seconds(30)) throws(VolumeError) {
        try self.init(target: .nbd(uri: uri), how: .uri(uri), container: nil, sectorSize: sectorSize, timeout: timeout)
    }

    /// Reads the local image container `path` (qcow2, VMDK, VHD, VHDX, VDI) as the guest
    /// sees it: libnbd starts `qemu-nbd -r -f FORMAT PATH` with socket activation, as
    /// `nbdinfo -- [ qemu-nbd -r -f qcow2 PATH ]` does, and stops it when the volume closes.
    /// `qemuNBD` is the qemu-nbd executable to run.
    public convenience init(container path: String, format: ImageContainerFormat, qemuNBD: String,
                            sectorSize: Int? = nil, timeout: Duration = .seconds(30)) throws(VolumeError) {
        try self.init(target: .file(path: path), how: .socketActivation(argv: format.qemuNBDArguments(qemuNBD, path: path)),
                      container: format, sectorSize: sectorSize, timeout: timeout)
    }

    init(target: Target, how: NBDHandle.Connection, container: ImageContainerFormat?, sectorSize: Int?,
         timeout: Duration) throws(VolumeError) {
        self.target = target
        self.timeout = timeout
        self.containerFormat = container
        let displayName = container.map { "\(target.redacted) (\($0.reportName) via qemu-nbd)" } ?? target.redacted
        self.displayName = displayName
        // The handle closes itself on every throw below.
        handle = try NBDHandle(target: target, displayName: displayName, noun: "volume")
        let export: NBDHandle.Export
        do throws(VolumeError) {
            export = try handle.connect(how, timeout: timeout, initializeReadBuffers: true)
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
        self.isReadOnlyExport = export.readOnly
        let minBlock = export.minimumBlockSize
        if let s = sectorSize {
            logicalSectorSize = s
            sectorSizeOrigin = .forced
        } else if minBlock >= 512, minBlock <= 65536, minBlock & (minBlock - 1) == 0 {
            logicalSectorSize = Int(minBlock)
            sectorSizeOrigin = .nbdMinimumBlockSize
        }
    }

    /// Closes the connection: a polite `NBD_CMD_DISC` (so the server has let go of the
    /// export before this returns, which bounds how many connections a caller holds),
    /// waiting at most 2 s, then `nbd_close`. A dead connection is just closed.
    public func close() {
        lock.lock(); defer { lock.unlock() }
        handle.close(drain: false, limit: min(timeout, .seconds(2)))
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws(VolumeError) {
        try checkRange(offset: offset, count: buffer.count)
        lock.lock(); defer { lock.unlock() }
        var done = 0
        while done < buffer.count {
            let n = min(maxRequestBytes, buffer.count - done)
            try handle.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[done..<done + n]),
                            at: offset + UInt64(done), timeout: timeout)
            done += n
        }
    }

    public func extents(offset: UInt64, length: UInt64) throws(VolumeError) -> [Extent] {
        let end = min(offset + length, sizeBytes)
        guard offset < end else { return [] }
        guard supportsBlockStatus else { return [Extent(offset: offset, length: end - offset, hole: false, zero: false)] }
        lock.lock(); defer { lock.unlock() }
        let collector = BlockStatusCollector(start: offset, end: end)
        let cookie = try handle.submitBlockStatus(collector, offset: offset, length: min(end - offset, UInt64(UInt32.max / 2)))
        let operation = "nbd_block_status at offset \(offset)"
        try handle.pollUntil(timeout: timeout, operation: operation, kind: .readFailed) { () throws(VolumeError) -> Bool in
            switch handle.completion(of: cookie, operation: operation) {
            case .succeeded: return true
            case .pending: return false
            case .failed(let e): throw e
            }
        }
        if collector.extents.isEmpty {
            return [Extent(offset: offset, length: end - offset, hole: false, zero: false)]
        }
        return collector.extents
    }

    /// Sends every request before waiting for any answer, so the round costs one network
    /// latency however many requests it holds (libnbd queues them on the one connection).
    /// The round ends when every request is answered, the connection dies, or `timeout`
    /// passes without any answer; requests left unanswered then fail with that error (and
    /// the connection is not polled again, so their buffers are never written later).
    public func perform(_ requests: [VolumeRequest]) -> [VolumeReply] {
        lock.lock(); defer { lock.unlock() }
        var replies = [VolumeReply?](repeating: nil, count: requests.count)
        /// A command on the wire: which request, and the piece of a read it carries.
        enum Sent {
            case read(index: Int, buffer: UnsafeMutableRawBufferPointer, at: Int)
            case extents(index: Int, collector: BlockStatusCollector)
        }
        var sent: [Int64: Sent] = [:]
        // Each read lands in the memory its reply keeps (`ReadBytes`), never copied. What is
        // left here at the end is freed with the dictionary: safe, since a handle that still
        // had commands in flight has failed and is never polled again.
        var buffers: [Int: ReadBytes.Storage] = [:]
        var piecesLeft: [Int: Int] = [:]
        // The round's reads share one mapping when they are large in all (`ReadBytes.Slab`).
        var storages = readStorages(for: requests)
        for (i, request) in requests.enumerated() {
            do throws(VolumeError) {
                switch request {
                case .read(let offset, let count):
                    try checkRange(offset: offset, count: count)
                    if count == 0 { replies[i] = .read(ReadBytes([])); continue }
                    let storage = storages.removeValue(forKey: i) ?? ReadBytes.Storage(byteCount: count)
                    buffers[i] = storage
                    let buffer = storage.base
                    var done = 0
                    piecesLeft[i] = 0
                    while done < count {
                        let n = min(maxRequestBytes, count - done)
                        let piece = UnsafeMutableRawBufferPointer(rebasing: buffer[done..<done + n])
                        let cookie = try handle.submitRead(into: piece, at: offset + UInt64(done))
                        sent[cookie] = .read(index: i, buffer: piece, at: done)
                        piecesLeft[i, default: 0] += 1
                        done += n
                    }
                case .extents(let offset, let length):
                    let end = min(offset &+ length, sizeBytes)
                    guard offset < end else { replies[i] = .extents([]); continue }
                    guard supportsBlockStatus else {
                        replies[i] = .extents([Extent(offset: offset, length: end - offset, hole: false, zero: false)])
                        continue
                    }
                    let collector = BlockStatusCollector(start: offset, end: end)
                    let cookie = try handle.submitBlockStatus(collector, offset: offset,
                                                              length: min(end - offset, UInt64(UInt32.max / 2)))
                    sent[cookie] = .extents(index: i, collector: collector)
                }
            } catch {
                replies[i] = .failed(error)
            }
        }
        func describe(_ s: Sent?) -> String {
            switch s {
            case .read(let i, let buffer, let at):
                if case .read(let offset, _) = requests[i] { return "nbd_pread at offset \(offset + UInt64(at)) length \(buffer.count)" }
                return "nbd_pread"
            case .extents(_, let c): return "nbd_block_status at offset \(c.start)"
            case nil: return "nbd_aio_command_completed"
            }
        }
        if !sent.isEmpty {
            do throws(VolumeError) {
                try handle.pollUntilProgress(timeout: timeout, operation: describe(sent.keys.min().flatMap { sent[$0] }),
                                             kind: .readFailed) { () -> Bool in
                    while let cookie = handle.nextCompleted() {
                        let entry = sent.removeValue(forKey: cookie)
                        let state = handle.completion(of: cookie, operation: describe(entry))
                        switch (entry, state) {
                        case (.read(let i, _, _), .failed(let e)), (.extents(let i, _), .failed(let e)):
                            if replies[i] == nil { replies[i] = .failed(e) }
                        case (.read(let i, _, _), _):
                            piecesLeft[i, default: 1] -= 1
                            if piecesLeft[i] == 0, replies[i] == nil, let b = buffers.removeValue(forKey: i) {
                                // Every piece is answered: nothing writes into it any more.
                                replies[i] = .read(ReadBytes(storage: b, count: requests[i].readCount))
                            }
                        case (.extents(let i, let c), _):
                            if replies[i] == nil {
                                replies[i] = .extents(c.extents.isEmpty
                                    ? [Extent(offset: c.start, length: c.end - c.start, hole: false, zero: false)] : c.extents)
                            }
                        case (nil, _):
                            break
                        }
                    }
                    return sent.isEmpty
                }
            } catch {
                for entry in sent.values {
                    switch entry {
                    case .read(let i, _, _), .extents(let i, _):
                        if replies[i] == nil { replies[i] = .failed(error) }
                    }
                }
            }
        }
        return replies.map { $0 ?? .failed(VolumeError(kind: .readFailed, operation: "perform", target: displayName,
                                                       message: "no answer was recorded for this request")) }
    }
}

extension Target {
    /// Redacts anything URI-like inside a library message (libnbd errors can echo the URI).
    static func redactInText(_ text: String) -> String {
        var out = text
        for scheme in Target.nbdSchemes {
            var searchStart = out.startIndex
            while let r = out[searchStart..<out.endIndex].firstRange(of: scheme + "://") {
                let end = out[r.lowerBound...].firstIndex(where: { $0 == " " || $0 == "'" || $0 == "\"" }) ?? out.endIndex
                let redacted = Target.redact(String(out[r.lowerBound..<end]))
                out.replaceSubrange(r.lowerBound..<end, with: redacted)
                searchStart = out.index(r.lowerBound, offsetBy: redacted.count, limitedBy: out.endIndex) ?? out.endIndex
            }
        }
        return out
    }
}
