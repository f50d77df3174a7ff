#if canImport(Glibc)
import Glibc
#endif

/// A mutual-exclusion lock over `pthread_mutex_t`: the tool's `lock()` / `unlock()` lock, in
/// place of full Foundation's `NSLock` (the release binary links FoundationEssentials only;
/// docs/RELEASE.md, "Foundation and start-up").
public final class Lock: @unchecked Sendable {
    fileprivate let mutex: UnsafeMutablePointer<pthread_mutex_t>

    public init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    public func lock() { pthread_mutex_lock(mutex) }
    public func unlock() { pthread_mutex_unlock(mutex) }

    /// `body` with the lock held.
    public func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        lock()
        defer { unlock() }
        return try body()
    }
}

/// A lock with a condition variable (`pthread_cond_t`), in place of `NSCondition`.
public final class Condition: @unchecked Sendable {
    private let lockObject = Lock()
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    public init() {
        condition = .allocate(capacity: 1)
        condition.initialize(to: pthread_cond_t())
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        condition.deinitialize(count: 1)
        condition.deallocate()
    }

    public func lock() { lockObject.lock() }
    public func unlock() { lockObject.unlock() }

    /// Waits (the lock held) until signalled or `seconds` have passed; false on the timeout.
    @discardableResult
    public func wait(seconds: Double) -> Bool {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let whole = Int(seconds)
        var nanoseconds = now.tv_nsec + Int((seconds - Double(whole)) * 1e9)
        var deadline = timespec(tv_sec: now.tv_sec + whole, tv_nsec: 0)
        if nanoseconds >= 1_000_000_000 {
            deadline.tv_sec += 1
            nanoseconds -= 1_000_000_000
        }
        deadline.tv_nsec = nanoseconds
        return pthread_cond_timedwait(condition, lockObject.mutex, &deadline) == 0
    }

    public func broadcast() { pthread_cond_broadcast(condition) }
    public func signal() { pthread_cond_signal(condition) }
}

/// Threads without full Foundation's `Thread`.
public enum Threads {
    /// Runs `body` on a new detached thread (the tool's worker and meter threads; callers
    /// wait for them with their own groups or semaphores, as they did with `Thread`), with
    /// `stackSize` bytes of stack, else the system's default.
    public static func detach(stackSize: Int? = nil, _ body: @escaping @Sendable () -> Void) {
        final class Box { let body: @Sendable () -> Void; init(_ body: @escaping @Sendable () -> Void) { self.body = body } }
        let context = Unmanaged.passRetained(Box(body)).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        if let stackSize { pthread_attr_setstacksize(&attributes, stackSize) }
        var thread = pthread_t()
        let started = pthread_create(&thread, &attributes, { raw in
            let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            box.body()
            return nil
        }, context)
        if started == 0 {
            pthread_detach(thread)
        } else {
            let box = Unmanaged<Box>.fromOpaque(context).takeRetainedValue()
            box.body()  // no thread to be had: run it here rather than lose it
        }
    }

    /// Sleeps the calling thread for `seconds`.
    public static func sleep(seconds: Double) {
        guard seconds > 0 else { return }
        let whole = Int(seconds)
        var request = timespec(tv_sec: whole, tv_nsec: Int((seconds - Double(whole)) * 1e9))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 { request = remaining }
    }
}
