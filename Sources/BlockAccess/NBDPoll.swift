#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// One `poll(2)` over several `NBDAsyncConnection`s, so a single thread can keep requests
/// in flight on a source and a target connection at the same time.
public enum NBDPoll {
    /// Waits up to `milliseconds` for any connection to make progress, advances libnbd's
    /// state machines, and retires what finished (collect it with `collect()`).
    ///
    /// Connections that die or whose oldest request passes their timeout are failed: their
    /// requests complete with the error and the connection is closed. Each handle says
    /// what it waits for and is told what `poll(2)` saw (NBDHandle.swift).
    public static func wait(_ connections: [NBDAsyncConnection], milliseconds: Int32) {
        var fds: [pollfd] = []
        var polled: [NBDAsyncConnection] = []
        for c in connections {
            guard c.failure == nil, c.inFlight > 0, let fd = c.handle.pollDescriptor() else { continue }
            fds.append(fd)
            polled.append(c)
        }
        if fds.isEmpty {
            if milliseconds > 0, !connections.contains(where: { $0.inFlight > 0 || $0.hasFinished }) { return }
            for c in connections { c.retireCompleted(); c.checkHealth() }
            return
        }
        let r = fds.withUnsafeMutableBufferPointer { poll($0.baseAddress, nfds_t($0.count), milliseconds) }
        if r > 0 {
            for (i, c) in polled.enumerated() where !c.handle.isClosed {
                if !c.handle.notify(revents: fds[i].revents) { c.fail(c.error("poll", kind: .readFailed)) }
            }
        }
        for c in connections {
            c.retireCompleted()
            c.checkHealth()
        }
    }
}
