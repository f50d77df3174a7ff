import AuditCore
import BlockAccess
import DiskProbe
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import Dispatch

/// The full comparison engine behind `compare` and `verify --content full`.
///
/// Both sides' block status is read window by window; ranges that are holes or zeros on
/// both sides are skipped, a hole on one side is checked to be zeros on the other (only
/// the data side is read), and everything else is read from both sides with several
/// requests in flight per connection and compared with `memcmp`. Over NBD each worker
/// thread drives its own source and target connection; several workers run when both
/// servers allow multi-conn. Memory is bounded by `connections × requestsInFlight × 2 ×
/// requestBytes`, whatever the disk size. Only read and block-status requests are sent.
public enum ContentComparator {
    /// Opens both targets (with `VolumeOpener`'s retry and TLS policy) and compares them.
    /// Throws only when a target cannot be opened; read failures are listed in the result.
    public static func compare(source: Target, target: Target, volumeOptions: VolumeOptions = VolumeOptions(),
                               options: CompareOptions = CompareOptions()) throws(VolumeError) -> CompareResult {
        let s = try VolumeOpener.open(source, options: volumeOptions)
        defer { s.close() }
        let t = try VolumeOpener.open(target, options: volumeOptions)
        defer { t.close() }
        return try compare(source: s, target: t, options: options)
    }

    /// Compares two open volumes. NBD volumes whose server allows multi-conn get fresh
    /// asynchronous connections to the same URI; the others (a server may serve one client
    /// only) and local volumes are read through their own connection with `Volume.read`.
    /// Throws only when not even one connection per side can be opened.
    public static func compare(source: any Volume, target: any Volume,
                               options: CompareOptions = CompareOptions()) throws(VolumeError) -> CompareResult {
        let started = ContinuousClock.now
        let sourceSide = Side(volume: source, timeout: (source as? NBDVolume)?.timeout ?? .seconds(30))
        let targetSide = Side(volume: target, timeout: (target as? NBDVolume)?.timeout ?? .seconds(30))
        let commonEnd = min(source.sizeBytes, target.sizeBytes)
        let end = target.sizeBytes > source.sizeBytes ? target.sizeBytes : commonEnd
        let run = CompareRun(commonEnd: commonEnd, end: end, windowBytes: options.windowBytes,
                             maxDifferences: options.maxDifferences, cancellation: options.cancellation)

        let workers = try makeWorkers(run: run, source: sourceSide, target: targetSide, options: options)
        let meter = options.progress ? ProgressMeter(totalBytes: end) : nil
        let group = DispatchGroup()
        for worker in workers.list {
            group.enter()
            Threads.detach {
                worker.compareUntilDone()
                group.leave()
            }
        }
        options.onProgress?(0, end)
        while group.wait(timeout: .now() + .milliseconds(250)) == .timedOut {
            meter?.update(settledBytes: run.snapshot.settled)
            options.onProgress?(run.snapshot.settled, end)
        }
        meter?.finish()
        options.onProgress?(run.snapshot.settled, end)

        if !run.isCancelled, let rest = run.unclaimed() {
            run.unreadable.add(offset: rest.lowerBound, length: rest.upperBound - rest.lowerBound,
                               payload: "not read: every worker connection failed")
        }
        return assemble(run: run, source: source, target: target, workers: workers.list.count,
                        requestBytes: workers.requestBytes, depth: workers.depth,
                        elapsed: ContinuousClock.now - started)
    }

    private static func makeWorkers(run: CompareRun, source: Side, target: Side, options: CompareOptions)
        throws(VolumeError) -> (list: [CompareWorker], requestBytes: Int, depth: Int)
    {
        let multiConn = (!source.isNBD || source.canMultiConn) && (!target.isNBD || target.canMultiConn)
        let wanted = options.connections > 0 ? (multiConn ? options.connections : 1) : (multiConn ? 2 : 1)
        let depth = max(1, options.requestsInFlight)
        var list: [CompareWorker] = []
        var requestBytes = max(ByteScan.granule, options.requestBytes / ByteScan.granule * ByteScan.granule)
        for i in 0..<wanted {
            do throws(VolumeError) {
                let s = try source.makeChannel(index: i)
                let t: any ReadChannel
                do throws(VolumeError) { t = try target.makeChannel(index: i) } catch { s.close(); throw error }
                requestBytes = min(requestBytes, s.maxRequestBytes, t.maxRequestBytes)
                list.append(CompareWorker(run: run, source: s, target: t, depth: depth, requestBytes: requestBytes))
            } catch {
                // Fewer workers is fine; none is not.
                if i == 0 { throw error }
                break
            }
        }
        return (list, requestBytes, depth)
    }

    private static func assemble(run: CompareRun, source: any Volume, target: any Volume, workers: Int,
                                 requestBytes: Int, depth: Int, elapsed: Duration) -> CompareResult {
        let sourceBytes = source.sizeBytes, targetBytes = target.sizeBytes
        var notes: [String] = []
        var findings: [Finding] = []
        let tailBefore = run.differences.result()
        let tailDiffers = tailBefore.ranges.contains { $0.end > run.commonEnd }
        if targetBytes < sourceBytes {
            run.differences.add(offset: targetBytes, length: sourceBytes - targetBytes, payload: ())
            findings.append(ComparisonFindings.targetSmaller(sourceBytes: sourceBytes, targetBytes: targetBytes))
            notes.append("the target is \(ByteSize.human(sourceBytes - targetBytes)) smaller than the source: its last \(sourceBytes - targetBytes) bytes are missing")
        }
        let counters = run.snapshot
        let diffs = run.differences.result()
        let unread = run.unreadable.result()
        let interrupted = run.isCancelled && counters.settled < run.end
        let differences = diffs.ranges.map { DifferingExtent(offset: $0.offset, length: $0.length) }
        let unreadable = unread.ranges.map { ByteRange(offset: $0.offset, length: $0.length, error: $0.payload) }
        let contentDiffers = diffs.totalBytes > (targetBytes < sourceBytes ? sourceBytes - targetBytes : 0)

        if targetBytes > sourceBytes {
            let tail = targetBytes - sourceBytes
            if tailDiffers {
                notes.append("the target is \(ByteSize.human(tail)) larger than the source and holds data beyond the source's end")
            } else if !interrupted, !unreadable.contains(where: { $0.offset + $0.length > sourceBytes }) {
                findings.append(ComparisonFindings.targetLargerZeroTail(sourceBytes: sourceBytes, targetBytes: targetBytes))
                notes.append("the target is \(ByteSize.human(tail)) larger than the source; its tail is all zeros, so it is identical as far as the source reaches")
            }
        }
        if contentDiffers {
            findings.append(ComparisonFindings.contentMismatch(differences: differences, differingBytes: diffs.totalBytes,
                                                               truncated: diffs.truncated))
        }
        if !unreadable.isEmpty {
            findings.append(ComparisonFindings.unreadable(unreadable, truncated: unread.truncated))
        }
        if interrupted {
            notes.append("interrupted after \(ByteSize.human(counters.settled)) of \(ByteSize.human(run.end)); the result is partial")
        }
        let status: CompareResult.Status
        if interrupted || !unreadable.isEmpty {
            status = .incomplete
        } else if diffs.totalBytes > 0 {
            status = .different
        } else {
            status = .identical
        }
        return CompareResult(
            source: source.displayName, target: target.displayName, status: status, identical: status == .identical,
            sourceBytes: sourceBytes, targetBytes: targetBytes, bytesCompared: counters.compared,
            bytesSkippedAsHoles: counters.skipped, bytesCheckedAgainstHoles: counters.checkedAgainstHoles,
            differingBytes: diffs.totalBytes, differences: differences, differencesTruncated: diffs.truncated,
            unreadable: unreadable, unreadableTruncated: unread.truncated, interrupted: interrupted,
            findings: findings, notes: notes, connections: workers, requestsInFlight: depth, requestBytes: requestBytes,
            elapsedSeconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
}
