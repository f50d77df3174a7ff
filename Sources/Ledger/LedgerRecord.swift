import AuditCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What a run is (docs/LEDGER.md).
public enum LedgerRunKind: String, Codable, Sendable, CaseIterable {
    case verify, preflight, wave
}

/// A run to append to the ledger: everything but what the ledger adds (id, time of
/// recording, the report's digest and the chain hashes). `commandLine` must already be
/// redacted (`Ledgers.redactedCommandLine`); `report` is the report.json (or wave.json)
/// document exactly as written, UTF-8 JSON.
public struct LedgerRecordDraft: Sendable, Equatable {
    public var kind: LedgerRunKind
    /// The wave's name; nil for a run outside a wave.
    public var wave: String?
    /// The VM's name; nil for a record of a whole wave.
    public var vm: String?
    /// The run's verdict as its report says it: pass, fail, inconclusive, ready, blocked, …
    public var verdict: String
    /// ISO 8601 UTC, as in the report.
    public var startedAt: String
    public var finishedAt: String
    public var host: String
    public var toolVersion: String
    /// The build's commit, or "unknown" for an unstamped build.
    public var toolBuild: String
    /// The arguments, the program first, secrets redacted.
    public var commandLine: [String]
    public var report: Data

    public init(kind: LedgerRunKind, wave: String? = nil, vm: String?, verdict: String, startedAt: String,
                finishedAt: String, host: String, toolVersion: String, toolBuild: String = BuildInfo.current.commit,
                commandLine: [String], report: Data) {
        self.kind = kind
        self.wave = wave
        self.vm = vm
        self.verdict = verdict
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.host = host
        self.toolVersion = toolVersion
        self.toolBuild = toolBuild
        self.commandLine = commandLine
        self.report = report
    }

    /// A draft whose times, host, tool and command line come from a report's provenance
    /// (the command line is redacted once more, for a ledger URL in it).
    public init(kind: LedgerRunKind, wave: String? = nil, vm: String?, verdict: String, provenance: Provenance, report: Data) {
        self.init(kind: kind, wave: wave, vm: vm, verdict: verdict, startedAt: provenance.startedAt,
                  finishedAt: provenance.finishedAt, host: provenance.host, toolVersion: provenance.tool.version,
                  toolBuild: provenance.tool.build.commit, commandLine: Ledgers.redactedCommandLine(provenance.commandLine),
                  report: report)
    }
}

/// A stored run without its report: what `ledger list` shows.
public struct LedgerEntry: Sendable, Equatable, Codable {
    /// 1, 2, 3, … in the order the runs were appended.
    public var id: Int64
    public var kind: String
    public var wave: String?
    public var vm: String?
    public var verdict: String
    public var startedAt: String
    public var finishedAt: String
    /// When the ledger stored it, ISO 8601 UTC.
    public var recordedAt: String
    public var host: String
    public var toolVersion: String
    public var toolBuild: String
    /// The redacted arguments as stored: a JSON array of strings.
    public var commandLineJSON: String
    /// SHA-256 of the report's bytes, lower-case hex.
    public var reportSHA256: String
    /// SHA-256 of the previous record's canonical bytes (64 zeros for the first record).
    public var previousHash: String
    /// SHA-256 of this record's canonical bytes (docs/LEDGER.md, "Canonical bytes").
    public var recordHash: String

    public init(id: Int64, kind: String, wave: String?, vm: String?, verdict: String, startedAt: String, finishedAt: String,
                recordedAt: String, host: String, toolVersion: String, toolBuild: String, commandLineJSON: String,
                reportSHA256: String, previousHash: String, recordHash: String) {
        self.id = id
        self.kind = kind
        self.wave = wave
        self.vm = vm
        self.verdict = verdict
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.recordedAt = recordedAt
        self.host = host
        self.toolVersion = toolVersion
        self.toolBuild = toolBuild
        self.commandLineJSON = commandLineJSON
        self.reportSHA256 = reportSHA256
        self.previousHash = previousHash
        self.recordHash = recordHash
    }

    /// The stored command line as arguments (empty when the stored text is not an array of strings).
    public var commandLine: [String] {
        (try? JSONDecoder().decode([String].self, from: Data(commandLineJSON.utf8))) ?? []
    }
}

/// A stored run with its report: what `ledger show` reads.
public struct LedgerRecord: Sendable, Equatable {
    public var entry: LedgerEntry
    /// The report.json document as appended.
    public var report: Data

    public init(entry: LedgerEntry, report: Data) {
        self.entry = entry
        self.report = report
    }
}

/// Which records `list` answers; nil fields do not filter. Records come in id order.
public struct LedgerFilter: Sendable, Equatable {
    public var vm: String?
    public var wave: String?
    public var verdict: String?
    public var kind: LedgerRunKind?
    /// Records whose run started at or after this ISO 8601 UTC time.
    public var since: String?
    /// At most this many records: the most recent ones.
    public var limit: Int?

    public init(vm: String? = nil, wave: String? = nil, verdict: String? = nil, kind: LedgerRunKind? = nil,
                since: String? = nil, limit: Int? = nil) {
        self.vm = vm
        self.wave = wave
        self.verdict = verdict
        self.kind = kind
        self.since = since
        self.limit = limit
    }
}

/// The result of recomputing the hash chain: intact, or the first record that breaks it.
public struct ChainCheck: Sendable, Equatable {
    /// The first record that does not hold, and why.
    public struct Break: Sendable, Equatable {
        public var recordID: Int64
        public var reason: String

        public init(recordID: Int64, reason: String) {
            self.recordID = recordID
            self.reason = reason
        }
    }

    /// How many records were checked.
    public var records: Int
    /// The record hash of the last record (64 zeros for an empty ledger): note it elsewhere
    /// to detect a later deletion of the newest records (docs/LEDGER.md).
    public var headHash: String
    public var lastID: Int64?
    public var firstBreak: Break?

    public var isIntact: Bool { firstBreak == nil }

    public init(records: Int, headHash: String, lastID: Int64?, firstBreak: Break?) {
        self.records = records
        self.headHash = headHash
        self.lastID = lastID
        self.firstBreak = firstBreak
    }
}

/// A ledger that cannot be opened, read or written; the description is one line without secrets.
public struct LedgerError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The URL is not a ledger URL.
        case badURL
        /// The ledger cannot be reached, opened or created.
        case unreachable
        /// The database is not a replica-audit ledger or has a newer schema.
        case schema
        /// A statement failed.
        case database
        /// The draft cannot be stored (e.g. the report is not UTF-8).
        case invalidRecord
    }

    public var kind: Kind
    public var description: String

    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}
