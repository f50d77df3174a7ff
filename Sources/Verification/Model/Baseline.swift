import AuditCore
import BlockAccess
import ContentCheck
import DiskProbe
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import SourceInventory

/// What `capture` records about the source disks, so that `verify --baseline` can compare
/// the destinations with them once the sources are gone: each source's probe (layout,
/// identities, the regions read with their SHA-256) and, when sampled, content hashes.
public struct Baseline: Codable, Sendable, Equatable {
    /// Tells a baseline from other JSON files.
    public static let kindName = "replica-audit-baseline"
    /// The version this build writes and reads.
    public static let currentSchemaVersion = 1

    public var kind: String
    public var schemaVersion: Int
    public var tool: ToolInfo
    /// ISO 8601 UTC.
    public var capturedAt: String
    public var vm: VMIdentity
    public var disks: [BaselineDisk]
    /// Which build captured it, how, where, by whom (README.md, "Provenance and signed attestations").
    public var provenance: Provenance?

    /// A baseline of the current schema version, captured now by `tool`.
    public init(tool: ToolInfo, capturedAt: String, vm: VMIdentity, disks: [BaselineDisk]) {
        self.kind = Baseline.kindName
        self.schemaVersion = Baseline.currentSchemaVersion
        self.tool = tool
        self.capturedAt = capturedAt
        self.vm = vm
        self.disks = disks
    }

    /// The recorded probes by disk key.
    public var probes: [String: ProbeResult] {
        Dictionary(disks.map { ($0.key, $0.probe) }, uniquingKeysWith: { a, _ in a })
    }

    /// The baseline as pretty JSON with sorted keys.
    public func encoded() throws -> Data {
        try JSONOutput.document(self)
    }

    /// Reads a baseline file; throws `BaselineError` naming the file and what is wrong.
    public static func load(path: String) throws(BaselineError) -> Baseline {
        // Plain words, never Foundation's error domains (issue 18.3).
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw BaselineError(path: path, message: "cannot be read: \(Errno.current.message.lowercased())")
        }
        guard info.st_mode & S_IFMT != S_IFDIR else {
            throw BaselineError(path: path, message: "is a directory; give the baseline file that 'capture --output' wrote")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = access(path, R_OK) != 0 ? Errno.current.message.lowercased() : "it could not be read"
            throw BaselineError(path: path, message: "cannot be read: \(reason)")
        }
        struct Header: Decodable { var kind: String?; var schemaVersion: Int? }
        guard let header = try? JSONDecoder().decode(Header.self, from: data) else {
            throw BaselineError(path: path, message: "is not JSON")
        }
        guard header.kind == kindName else {
            throw BaselineError(path: path, message: "is not a replica-audit baseline (kind is \(header.kind.map { "'\($0)'" } ?? "missing"))")
        }
        guard header.schemaVersion == currentSchemaVersion else {
            throw BaselineError(path: path, message: "has schemaVersion \(header.schemaVersion.map(String.init) ?? "missing"); this build reads \(currentSchemaVersion)")
        }
        do { return try JSONDecoder().decode(Baseline.self, from: data) } catch {
            throw BaselineError(path: path, message: "is malformed: \(error)")
        }
    }
}

/// One source disk in a baseline.
public struct BaselineDisk: Codable, Sendable, Equatable {
    public var key: String
    public var label: String?
    public var capacityBytes: UInt64
    /// The source target, redacted.
    public var source: String
    public var probe: ProbeResult
    /// The source's sampled content hashes, when `capture` sampled content.
    public var contentSample: ContentSample?

    /// One source disk's entry.
    public init(key: String, label: String?, capacityBytes: UInt64, source: String, probe: ProbeResult,
                contentSample: ContentSample? = nil) {
        self.key = key
        self.label = label
        self.capacityBytes = capacityBytes
        self.source = source
        self.probe = probe
        self.contentSample = contentSample
    }
}

/// A baseline file that cannot be used.
public struct BaselineError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String

    /// An error about the baseline at `path`.
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "baseline \(path) \(message)" }
}
