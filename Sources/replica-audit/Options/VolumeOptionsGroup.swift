import ArgumentParser
import BlockAccess

/// How volumes are opened; shared by every command that reads one.
struct VolumeOptionsGroup: ParsableArguments {
    @Option(name: .customLong("sector-size"), help: "Logical sector size in bytes (512 or 4096) the guest sees, overriding detection (by default the GPT's own sector size is found at 512 and 4096; a label for the other size is then a critical finding).")
    var sectorSize: Int?

    @Option(help: "Seconds to wait for any one NBD request or connection attempt before giving up.")
    var timeout: Double = 30

    @Option(name: .customLong("connect-retries"), help: "Extra NBD connection attempts after a failed one.")
    var connectRetries: Int = 2

    @Option(name: .customLong("retry-delay"), help: "Seconds before the first connection retry; doubles each retry.")
    var retryDelay: Double = 0.5

    @Flag(name: .customLong("require-tls"), help: "Refuse plaintext targets: only nbds:// and nbds+unix:// are opened.")
    var requireTLS = false

    func validate() throws {
        if let s = sectorSize, let problem = SectorSize.overrideProblem(s) { throw ValidationError(problem) }
        guard timeout > 0, timeout <= 86_400 else { throw ValidationError("--timeout must be between 0 and 86400 seconds") }
        guard (0...20).contains(connectRetries) else { throw ValidationError("--connect-retries must be between 0 and 20") }
        guard retryDelay >= 0, retryDelay <= 60 else { throw ValidationError("--retry-delay must be between 0 and 60 seconds") }
    }

    var volumeOptions: VolumeOptions {
        VolumeOptions(sectorSize: sectorSize, timeout: .milliseconds(Int64(timeout * 1000)),
                      connectRetries: connectRetries, retryDelay: .milliseconds(Int64(retryDelay * 1000)),
                      requireTLS: requireTLS)
    }
}

/// `--format text|json`.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
