import AuditCore
import Foundation

/// A one-line progress bar on stderr — bytes, rate and ETA — drawn only when stderr is a
/// terminal, so logs and pipes never see it.
final class ProgressMeter {
    private let totalBytes: UInt64
    private let started = ContinuousClock.now
    private let enabled = isatty(STDERR_FILENO) == 1
    private var drawn = false

    init(totalBytes: UInt64) { self.totalBytes = totalBytes }

    func update(settledBytes: UInt64) {
        guard enabled, totalBytes > 0 else { return }
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = seconds > 0 ? Double(settledBytes) / seconds : 0
        let fraction = min(1, Double(settledBytes) / Double(totalBytes))
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let eta = rate > 0 ? Int((Double(totalBytes - min(settledBytes, totalBytes)) / rate).rounded()) : 0
        let line = "\r[\(bar)] \(Int(fraction * 100))%  \(ByteSize.human(settledBytes)) / \(ByteSize.human(totalBytes))  "
            + "\(ByteSize.human(UInt64(rate)))/s  ETA \(eta / 60):\(String(format: "%02d", eta % 60))  "
        FileHandle.standardError.write(Data(line.utf8))
        drawn = true
    }

    /// Clears the line.
    func finish() {
        guard enabled, drawn else { return }
        FileHandle.standardError.write(Data(("\r" + String(repeating: " ", count: 100) + "\r").utf8))
    }
}
