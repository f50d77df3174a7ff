#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import AuditCore

/// How to open a volume: sector size override, per-request timeout, retry on connect.
public struct VolumeOptions: Sendable {
    /// Logical sector size to use instead of the detected one (`--sector-size`).
    public var sectorSize: Int?
    /// Per-request timeout (`--timeout`), also bounding each connection attempt.
    public var timeout: Duration
    /// Connection attempts after the first one fails (`--connect-retries`).
    public var connectRetries: Int
    /// Delay before the first retry; doubles each time (`--retry-delay`).
    public var retryDelay: Duration
    /// Refuse plaintext NBD targets (`--require-tls`).
    public var requireTLS: Bool

    public init(sectorSize: Int? = nil, timeout: Duration = .seconds(30), connectRetries: Int = 2,
                retryDelay: Duration = .milliseconds(500), requireTLS: Bool = false) {
        self.sectorSize = sectorSize
        self.timeout = timeout
        self.connectRetries = connectRetries
        self.retryDelay = retryDelay
        self.requireTLS = requireTLS
    }
}

/// Opens targets as read-only volumes.
public enum VolumeOpener {
    /// Opens `target`, retrying a failed NBD connection with exponential backoff.
    /// Local paths are not retried: a missing file does not appear by waiting.
    public static func open(_ target: Target, options: VolumeOptions = VolumeOptions()) throws(VolumeError) -> any Volume {
        if let s = options.sectorSize, let problem = SectorSize.problem(s) {
            throw VolumeError(kind: .invalidTarget, operation: "open", target: target.redacted, message: problem)
        }
        switch target {
        case .file(let path):
            if options.requireTLS {
                throw VolumeError(kind: .tlsRequired, operation: "open", target: target.redacted,
                                  message: "--require-tls refuses local paths; only nbds:// targets are allowed")
            }
            let file = try FileVolume(path: path, sectorSize: options.sectorSize)
            // An image container (qcow2, VMDK, VHD, VHDX, …) is read as the guest disk it
            // holds, through qemu-nbd started read-only by libnbd (README.md, "Targets").
            let format: ImageContainerFormat?
            do throws(VolumeError) { format = try ImageContainer.format(of: file) } catch { file.close(); throw error }
            guard let format else { return file }
            file.close()
            guard let qemuNBD = ImageContainer.qemuNBDPath() else {
                throw ImageContainer.missingQEMUNBD(path: path, format: format)
            }
            return try NBDVolume(container: path, format: format, qemuNBD: qemuNBD,
                                 sectorSize: options.sectorSize, timeout: options.timeout)
        case .nbd(let uri):
            if options.requireTLS, !target.usesTLS {
                throw VolumeError(kind: .tlsRequired, operation: "open", target: target.redacted,
                                  message: "--require-tls refuses plaintext NBD; use nbds:// or nbds+unix://")
            }
            var delay = options.retryDelay
            var attempt = 0
            while true {
                do {
                    return try NBDVolume(uri: uri, sectorSize: options.sectorSize, timeout: options.timeout)
                } catch {
                    attempt += 1
                    // A URI that libnbd rejects before connecting does not change by waiting.
                    let permanent = error.kind == .invalidTarget
                        || (error.operation == "nbd_aio_connect_uri" && error.code.map { [.invalidArgument, .notPermitted, .protocolNotSupported].contains($0) } == true)
                    if attempt > options.connectRetries || permanent {
                        var e = error
                        if attempt > 1 { e.message += " (after \(attempt) attempts)" }
                        throw e
                    }
                    Threads.sleep(seconds: Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18)
                    delay = delay * 2
                }
            }
        }
    }

    /// Parses and opens a target string.
    public static func open(_ text: String, options: VolumeOptions = VolumeOptions()) throws(VolumeError) -> any Volume {
        try open(Target(parsing: text), options: options)
    }
}
