import ArgumentParser
import AuditCore
import BlockAccess
import ContentCheck
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SourceInventory

/// `compare SOURCE TARGET`: full content comparison (or `--sample`), exit codes as
/// `qemu-img compare`: 0 identical, 1 different, 2 error, incomplete or interrupted.
struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare the content of two volumes.",
        discussion: """
            Reads both volumes read-only and compares them byte for byte, skipping what both \
            report as holes. A larger target whose tail is all zeros is identical as far as the \
            source reaches; a smaller target is different. With --sample, only a seeded sample \
            of blocks is hashed and compared (the sampled check of verify --content sample).

            Ctrl-C stops sending requests, lets the ones in flight finish, disconnects politely \
            (the servers keep serving) and prints the partial result.

            Exit codes: 0 identical, 1 different, 2 error (including unreadable regions and Ctrl-C).
            """)

    /// The examples that end this command's help page.
    static let examples = [
        "replica-audit compare nbd://esx-proxy/src-a nbd+unix:///vol-a?socket=/run/nbd/vol-a.sock",
    ]

    @Argument(help: "The source: an NBD URI or an image file / block device.")
    var source: String

    @Argument(help: "The target (destination) to check against the source.")
    var target: String

    @Option(help: "Output format.")
    var format: OutputFormat = .text

    @Option(name: .customLong("max-differences"), help: "Differing extents to list before the list is cut.")
    var maxDifferences = 1000

    @Option(name: .customLong("connections"), help: "Connections per side (0: 2 when the servers allow multi-conn, else 1).")
    var connections = 0

    @Option(name: .customLong("requests-in-flight"), help: "Reads in flight per connection.")
    var requestsInFlight = 4

    @Option(name: .customLong("request-size"), help: "Bytes per read request.")
    var requestSize = 1 << 20

    @Flag(name: .customLong("sample"), help: "Compare a seeded sample of blocks instead of every byte.")
    var sample = false

    @Option(name: .customLong("seed"), help: "Seed of the sample (default: random; it is printed).")
    var seed: UInt64?

    @Flag(name: .customLong("no-progress"), help: "Never draw the progress bar.")
    var noProgress = false

    @OptionGroup var volume: VolumeOptionsGroup

    func validate() throws {
        guard maxDifferences >= 0 else { throw ValidationError("--max-differences must not be negative") }
        guard (0...16).contains(connections) else { throw ValidationError("--connections must be between 0 and 16") }
        guard (1...64).contains(requestsInFlight) else { throw ValidationError("--requests-in-flight must be between 1 and 64") }
        guard (4096...(32 << 20)).contains(requestSize) else { throw ValidationError("--request-size must be between 4096 and 33554432") }
    }

    func run() throws {
        // The same volume on both sides would compare identical and prove nothing (issue 21).
        if let a = try? Target(parsing: source), let b = try? Target(parsing: target), MappingCheck.sameVolume(a, b) {
            printError("replica-audit: \(FindingCode.targetIsSource): \(source) and \(target) are the same volume "
                       + "(\(a.identity)); comparing it with itself proves nothing. Give the source disk and its replica.")
            throw ExitCode(2)
        }
        let cancellation = Cancellation.onInterrupt()
        if sample { return try runSample(cancellation: cancellation) }
        let options = CompareOptions(maxDifferences: maxDifferences, requestsInFlight: requestsInFlight,
                                     requestBytes: requestSize, connections: connections,
                                     progress: !noProgress, cancellation: cancellation)
        let result: CompareResult
        switch Result(catching: { () throws(VolumeError) -> CompareResult in
            try ContentComparator.compare(source: try Target(parsing: source), target: try Target(parsing: target),
                                          volumeOptions: volume.volumeOptions, options: options)
        }) {
        case .success(let r): result = r
        case .failure(let error):
            printError("replica-audit compare: \(error)")
            if error.kind == .timeout { printError("note: " + stallHint) }
            throw ExitCode(2)
        }
        switch format {
        case .json: print(try JSONText.encode(result))
        case .text: print(CompareTextView.render(result), terminator: "")
        }
        if result.unreadable.contains(where: { ($0.error ?? "").contains("no answer from the server") }) {
            printError("note: " + stallHint)
        }
        throw ExitCode(result.exitCode)
    }

    /// What to do when a server stalled, in compare's own terms.
    private var stallHint: String {
        "a server did not answer within \(Int(volume.timeout)) s; if it is only slow, run compare again with a larger "
            + "--timeout (e.g. --timeout \(Int(volume.timeout) * 4)) or fewer --requests-in-flight; if it has stopped, restart the export"
    }

    private func runSample(cancellation: Cancellation) throws {
        let chosenSeed = seed ?? ContentSampler.randomSeed()
        let outcome: SampleComparison
        switch Result(catching: { () throws(VolumeError) -> SampleComparison in
            try ContentSampler.compare(source: try Target(parsing: source), target: try Target(parsing: target),
                                       volumeOptions: volume.volumeOptions, seed: chosenSeed, cancellation: cancellation)
        }) {
        case .success(let r): outcome = r
        case .failure(let error):
            printError("replica-audit compare: \(error)")
            if error.kind == .timeout { printError("note: " + stallHint) }
            throw ExitCode(2)
        }
        switch format {
        case .json: print(try JSONText.encode(outcome))
        case .text: print(CompareTextView.render(outcome), terminator: "")
        }
        throw ExitCode(outcome.exitCode)
    }
}

/// Stable JSON for command output: sorted keys, pretty-printed, no escaped slashes.
fileprivate enum JSONText {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try JSONOutput.encode(value), as: UTF8.self)
    }
}
