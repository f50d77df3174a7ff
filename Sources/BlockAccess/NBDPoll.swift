import CLibNBD
import Foundation
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
    /// requests complete with the error and the connection is closed. The corresponding C
    /// functions are `nbd_aio_get_fd`, `nbd_aio_get_direction`, `nbd_aio_notify_read` and
    /// `nbd_aio_notify_write`.
    public static func wait(_ connections: [NBDAsyncConnection], milliseconds: Int32) {
        var fds: [pollfd] = []
        var polled: [NBDAsyncConnection] = []
        for c in connections {
            guard c.failure == nil, let h = c.handle, c.inFlight > 0 else { continue }
            let fd = nbd_aio_get_fd(h)
            let direction = nbd_aio_get_direction(h)
            var events: Int16 = 0
            if direction & UInt32(LIBNBD_AIO_DIRECTION_READ) != 0 { events |= Int16(POLLIN) }
            if direction & UInt32(LIBNBD_AIO_DIRECTION_WRITE) != 0 { events |= Int16(POLLOUT) }
            guard fd >= 0, events != 0 else { continue }
            fds.append(pollfd(fd: fd, events: events, revents: 0))
            polled.append(c)
        }
        if fds.isEmpty {
            if milliseconds > 0, !connections.contains(where: { $0.inFlight > 0 || $0.hasFinished }) { return }
            for c in connections { c.retireCompleted(); c.checkHealth() }
            return
        }
        let r = fds.withUnsafeMutableBufferPointer { poll($0.baseAddress, nfds_t($0.count), milliseconds) }
        if r > 0 {
            for (i, c) in polled.enumerated() {
                guard let h = c.handle else { continue }
                let revents = Int32(fds[i].revents)
                var status: Int32 = 0
                if revents & (Int32(POLLIN) | Int32(POLLHUP) | Int32(POLLERR)) != 0 {
                    status = nbd_aio_notify_read(h)
                } else if revents & Int32(POLLOUT) != 0 {
                    status = nbd_aio_notify_write(h)
                }
                if status == -1 { c.fail(c.error("poll", kind: .readFailed)) }
            }
        }
        for c in connections {
            c.retireCompleted()
            c.checkHealth()
        }
    }
}
