/// How a full comparison runs. The defaults (2 connections × 4 reads × 1 MiB per side) keep
/// the read buffers at 16 MiB whatever the disk size; they measured fastest on nbd+unix.
public struct CompareOptions: Sendable {
    /// Differing extents listed before the list is cut (`--max-differences`); the count of
    /// differing bytes stays exact.
    public var maxDifferences: Int
    /// Reads in flight on each connection.
    public var requestsInFlight: Int
    /// Bytes per read request (capped by the server's maximum).
    public var requestBytes: Int
    /// Worker connections per side; 0 picks 2 when both servers allow multi-conn, else 1.
    public var connections: Int
    /// Draw a progress bar on stderr (only when stderr is a terminal).
    public var progress: Bool
    /// Set from outside (e.g. on SIGINT) to stop early; the result is then `interrupted`.
    public var cancellation: Cancellation?
    /// Bytes of the disk each worker claims at a time.
    public var windowBytes: UInt64
    /// Called about every 250 ms with (bytes settled, bytes to settle), for a caller that
    /// draws its own progress (`ProgressBoard`, verify's line per VM).
    public var onProgress: (@Sendable (UInt64, UInt64) -> Void)? = nil

    /// Options with the measured defaults; see each property.
    public init(maxDifferences: Int = 1000, requestsInFlight: Int = 4, requestBytes: Int = 1 << 20,
                connections: Int = 0, progress: Bool = false, cancellation: Cancellation? = nil,
                windowBytes: UInt64 = 256 << 20) {
        self.maxDifferences = maxDifferences
        self.requestsInFlight = requestsInFlight
        self.requestBytes = requestBytes
        self.connections = connections
        self.progress = progress
        self.cancellation = cancellation
        self.windowBytes = windowBytes
    }
}
