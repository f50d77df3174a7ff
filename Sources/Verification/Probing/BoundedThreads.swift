#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Dispatch
import AuditCore

/// Runs blocking work on at most `jobs` dedicated threads (not Swift's cooperative pool,
/// which blocking C I/O would starve).
enum BoundedThreads {
    /// Calls `body(i)` for every `i` in `0..<count`, at most `jobs` at a time, and returns
    /// the results in index order once all are done.
    static func map<T: Sendable>(count: Int, jobs: Int, _ body: @escaping @Sendable (Int) -> T) -> [T] {
        let box = Box<T>(count: count)
        let group = DispatchGroup()
        for _ in 0..<max(1, min(jobs, count)) {
            group.enter()
            Threads.detach(stackSize: 4 << 20) {
                while let index = box.nextIndex() { box.store(body(index), at: index) }
                group.leave()
            }
        }
        group.wait()
        return box.results()
    }

    private final class Box<T: Sendable>: @unchecked Sendable {
        private let lock = Lock()
        private var next = 0
        private var values: [T?]

        init(count: Int) { values = Array(repeating: nil, count: count) }

        func nextIndex() -> Int? {
            lock.lock(); defer { lock.unlock() }
            guard next < values.count else { return nil }
            defer { next += 1 }
            return next
        }

        func store(_ value: T, at index: Int) {
            lock.lock(); defer { lock.unlock() }
            values[index] = value
        }

        func results() -> [T] {
            lock.lock(); defer { lock.unlock() }
            return values.map { $0! }
        }
    }
}
