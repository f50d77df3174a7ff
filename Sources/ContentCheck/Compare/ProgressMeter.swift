import AuditCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import BlockAccess

/// A one-line progress bar on stderr — bytes, rate and ETA — redrawn in place when stderr
/// is a terminal; otherwise a plain line every `interval` (10 s), so a long `compare` in a
/// CI log shows that it is alive (README, "Progress").
final class ProgressMeter {
    private let totalBytes: UInt64
    private let started = ContinuousClock.now
    private let enabled = isatty(STDERR_FILENO) == 1
    private let interval: Duration
    private var lastPlain = ContinuousClock.now
    private var drawn = false

    init(totalBytes: UInt64, interval: Duration = .seconds(10)) {
        self.totalBytes = totalBytes
        self.interval = interval
    }

    func update(settledBytes: UInt64) {
        guard totalBytes > 0 else { return }
        guard enabled else {
            guard ContinuousClock.now - lastPlain >= interval else { return }
            lastPlain = .now
            let percent = Int(min(1, Double(settledBytes) / Double(totalBytes)) * 100)
            StandardStream.error.write("compare: \(ByteSize.human(settledBytes)) / \(ByteSize.human(totalBytes)) (\(percent)%)\n")
            return
        }
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = seconds > 0 ? Double(settledBytes) / seconds : 0
        let fraction = min(1, Double(settledBytes) / Double(totalBytes))
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let eta = rate > 0 ? Int((Double(totalBytes - min(settledBytes, totalBytes)) / rate).rounded()) : 0
        let line = "\r[\(bar)] \(Int(fraction * 100))%  \(ByteSize.human(settledBytes)) / \(ByteSize.human(totalBytes))  "
            + "\(ByteSize.human(UInt64(rate)))/s  ETA \(eta / 60):\(TextFormat.zeroPadded(eta % 60, width: 2))  "
        StandardStream.error.write(line)
        drawn = true
    }

    /// Clears the line.
    func finish() {
        guard enabled, drawn else { return }
        StandardStream.error.write("\r" + String(repeating: " ", count: 100) + "\r")
    }
}

/// The progress of a content comparison over several disks, as one line per VM (README,
/// "Progress"): bytes settled of the total, rate, ETA, and each disk's state. On a
/// terminal the line is redrawn in place four times a second; otherwise a plain line is
/// written at the start and then every `interval`, so logs show a long run is alive.
public final class ProgressBoard: @unchecked Sendable {
    /// What one disk's comparison is doing.
    public enum State: String, Sendable {
        case waiting, comparing, done, differs, incomplete, interrupted
    }

    private struct Entry {
        var key: String
        var settled: UInt64
        var total: UInt64
        var state: State
    }

    private let lock = Lock()
    private var entries: [Entry]
    private let title: String
    private let terminal: Bool
    private let interval: Duration
    private let width: Int
    private let write: @Sendable (String) -> Void
    private let started = ContinuousClock.now
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private var running = false
    private var stopped = false

    /// A board for `disks` (key and expected bytes to compare). `terminal` defaults to
    /// whether stderr is one; `write` defaults to stderr.
    public init(title: String, disks: [(key: String, totalBytes: UInt64)], interval: Duration = .seconds(10),
                terminal: Bool? = nil, width: Int = 120,
                write: @escaping @Sendable (String) -> Void = { StandardStream.error.write($0) }) {
        self.title = title
        entries = disks.map { Entry(key: $0.key, settled: 0, total: $0.totalBytes, state: .waiting) }
        self.terminal = terminal ?? (isatty(STDERR_FILENO) == 1)
        self.interval = interval
        self.width = max(40, width)
        self.write = write
    }

    /// Disk `key` has settled `settled` of `total` bytes.
    public func update(key: String, settled: UInt64, total: UInt64) {
        lock.lock(); defer { lock.unlock() }
        guard let i = entries.firstIndex(where: { $0.key == key }) else { return }
        entries[i].settled = settled
        entries[i].total = total
        if entries[i].state == .waiting { entries[i].state = .comparing }
    }

    /// Keeps only the disks in `keys` (the others will not be compared).
    public func retain(keys: [String]) {
        lock.lock(); defer { lock.unlock() }
        entries.removeAll { !keys.contains($0.key) }
    }

    /// Disk `key` is finished with `state`.
    public func finish(key: String, state: State) {
        lock.lock(); defer { lock.unlock() }
        guard let i = entries.firstIndex(where: { $0.key == key }) else { return }
        entries[i].state = state
    }

    /// Bytes settled and bytes to settle, over every disk.
    public var totals: (settled: UInt64, total: UInt64) {
        lock.lock(); defer { lock.unlock() }
        return (entries.reduce(0) { $0 + min($1.settled, $1.total) }, entries.reduce(0) { $0 + $1.total })
    }

    /// The progress line (no newline), e.g. "VM pgtest1 content: 3.2 GiB / 125 GiB (2%),
    /// 410 MiB/s, ETA 0:05:06 — disk 2000 12%, disk 2001 done".
    public func line() -> String {
        let (settled, total) = totals
        let snapshot: [Entry] = { lock.lock(); defer { lock.unlock() }; return entries }()
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = seconds > 0 ? Double(settled) / seconds : 0
        let percent = total > 0 ? Int(Double(settled) / Double(total) * 100) : 100
        var text = "\(TerminalText.field(title)) content: \(ByteSize.human(settled)) / \(ByteSize.human(total)) (\(percent)%), "
            + "\(ByteSize.human(UInt64(rate)))/s"
        if rate > 0, settled < total { text += ", ETA " + ProgressBoard.clock(Int((Double(total - settled) / rate).rounded())) }
        let states = snapshot.map { entry -> String in
            let state: String
            switch entry.state {
            case .comparing:
                state = entry.total > 0 ? "\(Int(Double(min(entry.settled, entry.total)) / Double(entry.total) * 100))%" : "0%"
            default: state = entry.state.rawValue
            }
            return "disk \(TerminalText.field(entry.key)) \(state)"
        }
        return text + " — " + states.joined(separator: ", ")
    }

    /// "1:02:03" or "2:03".
    static func clock(_ seconds: Int) -> String {
        let h = seconds / 3600, m = seconds / 60 % 60, s = seconds % 60
        return h > 0 ? "\(h):\(TextFormat.zeroPadded(m, width: 2)):\(TextFormat.zeroPadded(s, width: 2))" : "\(m):\(TextFormat.zeroPadded(s, width: 2))"
    }

    /// Starts drawing on a thread of its own.
    public func start() {
        lock.lock()
        guard !running else { lock.unlock(); return }
        running = true
        lock.unlock()
        Threads.detach { [self] in
            let tick: Duration = terminal ? .milliseconds(250) : interval
            if !terminal { write(line() + "\n") }
            while true {
                let ms = Int(tick.components.seconds * 1000 + tick.components.attoseconds / 1_000_000_000_000_000)
                _ = wake.wait(timeout: .now() + .milliseconds(max(1, ms)))
                let done: Bool = { lock.lock(); defer { lock.unlock() }; return stopped }()
                if done { break }
                if terminal {
                    write("\r\u{1B}[K" + String(line().prefix(width - 1)))
                } else {
                    write(line() + "\n")
                }
            }
            if terminal { write("\r\u{1B}[K") }
            finished.signal()
        }
    }

    /// Stops drawing and clears the line on a terminal; returns once the thread is done.
    public func stop() {
        lock.lock()
        let wasRunning = running && !stopped
        stopped = true
        lock.unlock()
        guard wasRunning else { return }
        wake.signal()
        finished.wait()
    }
}
