import BlockAccess
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One worker thread of a full comparison: it owns a source and a target channel, claims
/// windows of the disk, asks both sides for block status, and keeps up to `depth` pairs
/// of reads in flight, comparing each pair as soon as both halves have arrived.
///
/// Memory is fixed at `depth × 2 × requestBytes`, allocated once.
final class CompareWorker: @unchecked Sendable {
    private let run: CompareRun
    private let source: any ReadChannel
    private let target: any ReadChannel
    private let requestBytes: Int
    private let slots: [Slot]
    private var freeSlots: [Int]

    /// Runs planned but not yet sent.
    private var queue: [PlannedRun] = []
    private var queueHead = 0
    /// The claimed window, and how far its block status has been classified.
    private var window: Range<UInt64>?
    private var statusCursor: UInt64 = 0
    private var sourceStatus: [Extent]?
    private var targetStatus: [Extent]?
    /// Block-status requests sent and not yet answered.
    private var statusPending = 0
    private var statusInFlight: Bool { statusPending > 0 }
    private var noMoreWindows = false
    /// Set when a channel died: the worker stops and lists what it could not read.
    private var abandoned: VolumeError?

    /// A pair of buffers and the request they serve.
    private final class Slot {
        let sourceBuffer: UnsafeMutableRawBufferPointer
        let targetBuffer: UnsafeMutableRawBufferPointer
        var run = PlannedRun(offset: 0, length: 0, plan: .skip)
        var waiting = 0
        var error: String?

        init(bytes: Int) {
            sourceBuffer = .allocate(byteCount: bytes, alignment: 4096)
            targetBuffer = .allocate(byteCount: bytes, alignment: 4096)
        }

        deinit {
            sourceBuffer.deallocate()
            targetBuffer.deallocate()
        }
    }

    init(run: CompareRun, source: any ReadChannel, target: any ReadChannel, depth: Int, requestBytes: Int) {
        self.run = run
        self.source = source
        self.target = target
        self.requestBytes = requestBytes
        slots = (0..<max(depth, 1)).map { _ in Slot(bytes: requestBytes) }
        freeSlots = Array(slots.indices.reversed())
    }

    /// Compares until no window is left, the run is cancelled, or a channel dies. Closes
    /// both channels before returning (so no late reply can land in a freed buffer).
    func compareUntilDone() {
        defer {
            source.close()
            target.close()
        }
        while true {
            if run.isCancelled {
                drainAfterCancel()
                return
            }
            if abandoned == nil {
                requestStatusIfNeeded()
                submitReads()
            }
            let idle = freeSlots.count == slots.count && !statusInFlight
            if idle && (abandoned != nil || (noMoreWindows && queueHead == queue.count)) { break }
            ChannelPoll.wait([source, target], milliseconds: 100)
            for completion in source.collect() { handle(completion, fromSource: true) }
            for completion in target.collect() { handle(completion, fromSource: false) }
            if abandoned == nil, let failure = source.failure ?? target.failure { abandon(failure) }
        }
        if let abandoned { listUnread(because: abandoned) }
    }

    /// Ctrl-C: no new request is sent; the requests already in flight are answered and
    /// dropped (at most 5 s, and each connection's own --timeout fails a silent server),
    /// so the connections close with nothing outstanding. Closing a socket with replies in
    /// flight made nbdkit 1.32 abort (README, "Ctrl-C"); the server must survive an
    /// interrupted run.
    private func drainAfterCancel() {
        let deadline = ContinuousClock.now + .seconds(5)
        while source.inFlight > 0 || target.inFlight > 0, ContinuousClock.now < deadline {
            ChannelPoll.wait([source, target], milliseconds: 100)
            _ = source.collect()
            _ = target.collect()
            if source.failure != nil || target.failure != nil { break }
        }
    }

    // MARK: - Block status

    private func requestStatusIfNeeded() {
        guard !statusInFlight, queue.count - queueHead < slots.count else { return }
        if window == nil || statusCursor >= window!.upperBound {
            guard !noMoreWindows, let next = run.claimWindow() else { noMoreWindows = true; return }
            window = next
            statusCursor = next.lowerBound
        }
        let w = window!
        let length = w.upperBound - statusCursor
        sourceStatus = nil
        targetStatus = nil
        do throws(VolumeError) {
            if statusCursor < run.commonEnd {
                try source.submitBlockStatus(offset: statusCursor, length: length, tag: 0)
                statusPending += 1
            } else {
                sourceStatus = []
            }
            try target.submitBlockStatus(offset: statusCursor, length: length, tag: 0)
            statusPending += 1
        } catch {
            abandon(error)
        }
    }

    private func statusArrived() {
        guard abandoned == nil, let targetStatus, let sourceStatus, let w = window else { return }
        let beyondSource = statusCursor >= run.commonEnd
        let (runs, stop) = RangeClassifier.classify(source: beyondSource ? nil : sourceStatus, target: targetStatus,
                                                   from: statusCursor, limit: w.upperBound)
        for r in runs {
            if r.plan == .skip {
                run.count(skipped: r.length, settled: r.length)
                continue
            }
            var at = r.offset
            while at < r.end {
                let n = min(UInt64(requestBytes), r.end - at)
                queue.append(PlannedRun(offset: at, length: n, plan: r.plan))
                at += n
            }
        }
        statusCursor = stop
    }

    // MARK: - Reads

    private func submitReads() {
        while queueHead < queue.count, let slotIndex = freeSlots.last {
            let planned = queue[queueHead]
            queueHead += 1
            freeSlots.removeLast()
            let slot = slots[slotIndex]
            slot.run = planned
            slot.error = nil
            slot.waiting = 0
            let count = Int(planned.length)
            do throws(VolumeError) {
                if planned.plan == .both || planned.plan == .sourceOnly {
                    try source.submitRead(into: UnsafeMutableRawBufferPointer(rebasing: slot.sourceBuffer[0..<count]),
                                          at: planned.offset, tag: slotIndex)
                    slot.waiting += 1
                }
                if planned.plan == .both || planned.plan == .targetOnly {
                    try target.submitRead(into: UnsafeMutableRawBufferPointer(rebasing: slot.targetBuffer[0..<count]),
                                          at: planned.offset, tag: slotIndex)
                    slot.waiting += 1
                }
            } catch {
                slot.error = "\(error)"
                abandon(error)
            }
            if slot.waiting == 0 { finish(slotIndex) }
        }
        if queueHead > 4096, queueHead * 2 > queue.count {
            queue.removeFirst(queueHead)
            queueHead = 0
        }
    }

    private func handle(_ completion: NBDCompletion, fromSource: Bool) {
        switch completion {
        case .blockStatus(_, let extents, let error):
            // A failed block-status request is not fatal: the range is read as data.
            let known = error == nil ? extents : []
            if fromSource { sourceStatus = known } else { targetStatus = known }
            if let error, error.kind == .closed || error.kind == .timeout { abandon(error) }
            statusPending -= 1
            if statusPending == 0 { statusArrived() }
        case .read(let tag, let error):
            let slot = slots[tag]
            if let error, slot.error == nil { slot.error = (fromSource ? "source: " : "target: ") + "\(error)" }
            slot.waiting -= 1
            if slot.waiting == 0 { finish(tag) }
        }
    }

    /// Both halves of a slot are in: compare, count, and free the slot.
    private func finish(_ slotIndex: Int) {
        let slot = slots[slotIndex]
        let r = slot.run
        defer { freeSlots.append(slotIndex) }
        if let error = slot.error {
            run.unreadable.add(offset: r.offset, length: r.length, payload: error)
            run.count(settled: r.length)
            return
        }
        let count = Int(r.length)
        let s = UnsafeRawBufferPointer(rebasing: slot.sourceBuffer[0..<count])
        let t = UnsafeRawBufferPointer(rebasing: slot.targetBuffer[0..<count])
        switch r.plan {
        case .both:
            if !ByteScan.equal(s, t) { record(ByteScan.differingRuns(s, t), at: r.offset) }
            run.count(compared: r.length, settled: r.length)
        case .sourceOnly:
            if !ByteScan.isZero(s) { record(ByteScan.differingRuns(s, nil), at: r.offset) }
            run.count(compared: r.length, checkedAgainstHoles: r.length, settled: r.length)
        case .targetOnly:
            if !ByteScan.isZero(t) { record(ByteScan.differingRuns(t, nil), at: r.offset) }
            run.count(compared: r.length, checkedAgainstHoles: r.length, settled: r.length)
        case .skip:
            break
        }
    }

    private func record(_ runs: [(Int, Int)], at offset: UInt64) {
        for (at, length) in runs {
            run.differences.add(offset: offset + UInt64(at), length: UInt64(length), payload: ())
        }
    }

    // MARK: - Failure

    private func abandon(_ error: VolumeError) {
        if abandoned == nil { abandoned = error }
    }

    /// Lists what this worker had claimed but not read: queued runs and the rest of its window.
    private func listUnread(because error: VolumeError) {
        let reason = "\(error)"
        for r in queue[queueHead...] {
            run.unreadable.add(offset: r.offset, length: r.length, payload: reason)
            run.count(settled: r.length)
        }
        queueHead = queue.count
        if let w = window, statusCursor < w.upperBound {
            run.unreadable.add(offset: statusCursor, length: w.upperBound - statusCursor, payload: reason)
            run.count(settled: w.upperBound - statusCursor)
            statusCursor = w.upperBound
        }
    }
}
