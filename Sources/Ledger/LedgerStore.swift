import AuditCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One audit ledger, whichever database holds it (docs/LEDGER.md). Append-only: there is
/// no update or delete. Safe to use from several threads; several processes and machines
/// may append to one ledger at once without losing or interleaving a record.
public protocol LedgerStore: AnyObject, Sendable {
    /// The ledger's URL with any password redacted, for messages.
    var location: String { get }
    /// Appends one run at the end of the chain and answers what was stored.
    func append(_ draft: LedgerRecordDraft) throws -> LedgerEntry
    /// The records that match, in id order (the newest `filter.limit` when given).
    func list(_ filter: LedgerFilter) throws -> [LedgerEntry]
    /// One record with its report; nil when there is no record with that id.
    func record(id: Int64) throws -> LedgerRecord?
    /// Recomputes every record's hash and the chain, and names the first record that does not hold.
    func verifyChain() throws -> ChainCheck
    /// The schema version of the ledger (`schema_version`).
    func schemaVersion() throws -> Int
    /// Closes the connection; further calls throw.
    func close()
}

/// Where a ledger is, parsed from a URL (docs/LEDGER.md, "URLs").
public enum LedgerLocation: Sendable, Equatable {
    /// An SQLite file.
    case sqlite(path: String)
    /// A PostgreSQL connection URI (postgres:// or postgresql://), as libpq reads it.
    case postgres(uri: String)

    /// Parses a `--ledger` value: a plain path or `sqlite:PATH` is SQLite, `postgres://…` and
    /// `postgresql://…` are PostgreSQL. Anything else with a scheme is refused.
    public init(parsing text: String) throws {
        let value = text.trimmingWhitespace()
        guard !value.isEmpty, !value.contains(where: { $0.isNewline || $0 == "\0" }) else {
            throw LedgerError(.badURL, "the ledger URL is empty or not one line; give a file path, sqlite:PATH or postgres://user@host:port/db")
        }
        let lower = value.lowercased()
        if lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://") {
            let rest = value[value.firstRange(of: "://")!.upperBound...]
            let authority = rest.prefix { $0 != "/" && $0 != "?" }
            let hostPart = authority.split(separator: "@", omittingEmptySubsequences: false).last.map(String.init) ?? ""
            if hostPart.isEmpty, !value.contains("host=") {
                throw LedgerError(.badURL, "the ledger URL \(Ledgers.redact(value)) names no host; give postgres://user@host:port/db or ?host=/socket/dir")
            }
            if let colon = hostPart.lastIndex(of: ":"), !hostPart.hasSuffix("]") {
                let port = hostPart[hostPart.index(after: colon)...]
                guard let number = Int(port), (1...65535).contains(number) else {
                    throw LedgerError(.badURL, "the ledger URL \(Ledgers.redact(value)) has port \"\(port)\"; a port is a number from 1 to 65535")
                }
            }
            self = .postgres(uri: value)
            return
        }
        if lower.hasPrefix("sqlite:") {
            var path = String(value.dropFirst("sqlite:".count))
            // sqlite:///abs/path and sqlite://rel are accepted as the same file.
            if path.hasPrefix("//") { path = String(path.dropFirst(2)) }
            guard !path.isEmpty else { throw LedgerError(.badURL, "the ledger URL sqlite: names no file; give sqlite:PATH") }
            self = .sqlite(path: path)
            return
        }
        if let schemeEnd = value.firstRange(of: "://") ?? value.firstRange(of: ":"),
           value[..<schemeEnd.lowerBound].allSatisfy({ $0.isLetter || $0.isNumber || "+-.".contains($0) }),
           value[..<schemeEnd.lowerBound].count > 1 {
            let scheme = value[..<schemeEnd.lowerBound]
            throw LedgerError(.badURL, "the ledger URL scheme \"\(scheme)\" is not known; give a file path, sqlite:PATH or postgres://user@host:port/db")
        }
        // "host=db dbname=ledger": libpq's keyword form, which would otherwise become a file name.
        if let equals = value.firstIndex(of: "="), !value[..<equals].contains("/"),
           value[..<equals].allSatisfy({ $0.isLetter || $0 == "_" }) {
            throw LedgerError(.badURL, "the ledger \"\(Ledgers.redact(value).prefix(40))…\" looks like libpq's keyword=value form; give postgres://user@host:port/db")
        }
        self = .sqlite(path: value)
    }
}

/// Opening ledgers, and what the commands share about them.
public enum Ledgers {
    /// The environment variable read when `--ledger` is not given.
    public static let environmentVariable = "REPLICA_AUDIT_LEDGER"

    /// The schema version this build writes and reads (docs/LEDGER.md, "Schema").
    public static let schemaVersion = 1

    /// Opens the ledger at `url`. With `create` (appending), a missing SQLite file or an empty
    /// PostgreSQL database gets the schema; without it (reading), a missing ledger is an error.
    public static func open(_ url: String, create: Bool = true) throws -> any LedgerStore {
        switch try LedgerLocation(parsing: url) {
        case .sqlite(let path): return try SQLiteLedger(path: path, create: create)
        case .postgres(let uri): return try PostgresLedger(uri: uri, create: create)
        }
    }

    /// `--ledger` when given, else `REPLICA_AUDIT_LEDGER` when set and not empty, else nil.
    public static func url(option: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let option { return option }
        if let value = environment[environmentVariable], !value.trimmingWhitespace().isEmpty { return value }
        return nil
    }

    /// A URL with its secrets replaced by REDACTED: the password of the user information and
    /// every query value but host, hostaddr, port, dbname, user, sslmode, connect_timeout,
    /// application_name (PostgreSQL) and socket, tls, tls-username (NBD) — so `password=`,
    /// `sslkey=`, `sslpassword=` and `tls-psk-file=` never appear.
    public static func redact(_ url: String) -> String {
        guard let schemeEnd = url.firstRange(of: "://") else { return url }
        var out = String(url[..<schemeEnd.upperBound])
        let rest = url[schemeEnd.upperBound...]
        let queryStart = rest.firstIndex(of: "?")
        let beforeQuery = rest[..<(queryStart ?? rest.endIndex)]
        let slash = beforeQuery.firstIndex(of: "/") ?? beforeQuery.endIndex
        var authority = String(beforeQuery[..<slash])
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            if let colon = userInfo.firstIndex(of: ":") {
                authority = String(userInfo[..<colon]) + ":REDACTED" + String(authority[at...])
            }
        }
        out += authority + beforeQuery[slash...]
        if let queryStart {
            let keep: Set<String> = ["host", "hostaddr", "port", "dbname", "user", "sslmode", "connect_timeout", "application_name",
                                     "socket", "tls", "tls-username"]
            let query = rest[rest.index(after: queryStart)...].split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
                guard let equals = pair.firstIndex(of: "=") else { return String(pair) }
                let key = String(pair[..<equals])
                return keep.contains(key.lowercased()) ? String(pair) : key + "=REDACTED"
            }
            out += "?" + query.joined(separator: "&")
        }
        return out
    }

    /// Arguments with every URL in them redacted as `redact` does — ledger URLs, and NBD
    /// target URIs too (their password and query values but socket, tls and tls-username, as
    /// reports redact them) — wherever a `scheme://` appears: `--ledger URL`, `--ledger=URL`,
    /// `2000:nbd://…,2001:nbd://…`. Safe for any command line (a wave's included).
    public static func redactedCommandLine(_ arguments: [String]) -> [String] {
        arguments.map { argument in
            var word = argument
            var searchStart = word.startIndex
            while let separator = word[searchStart..<word.endIndex].firstRange(of: "://") {
                var start = separator.lowerBound
                while start > word.startIndex, word[word.index(before: start)].isLetter || "+-.".contains(word[word.index(before: start)]) {
                    start = word.index(before: start)
                }
                let end = word[separator.upperBound...].firstIndex(where: { $0 == " " || $0 == "'" || $0 == "\"" || $0 == "," }) ?? word.endIndex
                let redacted = redact(String(word[start..<end]))
                word.replaceSubrange(start..<end, with: redacted)
                searchStart = word.index(start, offsetBy: redacted.count, limitedBy: word.endIndex) ?? word.endIndex
            }
            return word
        }
    }
}
