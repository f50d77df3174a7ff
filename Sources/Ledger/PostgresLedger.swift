import CLibPQ
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import AuditCore

/// The shared backend: a PostgreSQL database through libpq (docs/LEDGER.md). Appends run in
/// a transaction that takes the ledger's advisory lock (`pg_advisory_xact_lock`) before it
/// reads the last record, so appliances appending at once take turns and every record
/// follows the one before it; readers are not blocked.
final class PostgresLedger: LedgerStore, @unchecked Sendable {
    let location: String
    private let lock = Lock()
    private var connection: OpaquePointer?
    /// libpq's functions, loaded at the first PostgreSQL ledger (`PQLibrary`).
    private let pq: PQLibrary

    /// Seconds to wait for the server when connecting, unless the URL says connect_timeout.
    static let connectTimeoutSeconds = 10

    /// The advisory lock key that serialises appends, schema creation and migration.
    static let migrationLockKey: Int64 = 0x7265_706c_6164_6772  // "repladgr"

    init(uri: String, create: Bool) throws {
        location = Ledgers.redact(uri)
        pq = try PQLibrary.load()
        let keywords = ["connect_timeout", "application_name", "dbname"]
        let values = [String(Self.connectTimeoutSeconds), "replica-audit", uri]
        let handle = Self.withCStrings(keywords) { keys in
            Self.withCStrings(values) { vals in pq.connectdbParams(keys, vals, 1) }
        }
        guard let handle else { throw LedgerError(.unreachable, "cannot reach the ledger \(location): out of memory") }
        guard pq.status(handle) == CONNECTION_OK else {
            let message = Self.oneLine(Self.string(pq.errorMessage(handle)))
            pq.finish(handle)
            throw LedgerError(.unreachable, "cannot reach the ledger \(location): \(message)")
        }
        connection = handle
        do {
            try locked { c in
                try exec(c, "SET client_min_messages = warning")
                try exec(c, "SET lock_timeout = '120s'")
            }
            if create { try migrate() } else { _ = try schemaVersion() }
        } catch {
            close()
            throw error
        }
    }

    deinit { close() }

    func close() {
        lock.lock()
        defer { lock.unlock() }
        if let connection { pq.finish(connection) }
        connection = nil
    }

    // MARK: Schema

    /// Schema version 1 (docs/LEDGER.md, "Schema"). A trigger refuses UPDATE, DELETE and TRUNCATE.
    static let schemaV1 = [
        "CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TEXT NOT NULL)",
        """
        CREATE TABLE ledger_runs (
            id BIGINT PRIMARY KEY,
            kind TEXT NOT NULL,
            wave TEXT,
            vm TEXT,
            verdict TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            host TEXT NOT NULL,
            tool_version TEXT NOT NULL,
            tool_build TEXT NOT NULL,
            command_line TEXT NOT NULL,
            report TEXT NOT NULL,
            report_sha256 TEXT NOT NULL,
            previous_hash TEXT NOT NULL,
            record_hash TEXT NOT NULL
        )
        """,
        "CREATE INDEX ledger_runs_vm ON ledger_runs (vm)",
        "CREATE INDEX ledger_runs_wave ON ledger_runs (wave)",
        """
        CREATE FUNCTION ledger_runs_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'the ledger is append-only'; END $$
        """,
        "CREATE TRIGGER ledger_runs_no_change BEFORE UPDATE OR DELETE ON ledger_runs FOR EACH ROW EXECUTE FUNCTION ledger_runs_append_only()",
        "CREATE TRIGGER ledger_runs_no_truncate BEFORE TRUNCATE ON ledger_runs FOR EACH STATEMENT EXECUTE FUNCTION ledger_runs_append_only()",
    ]

    private func migrate() throws {
        try locked { c in
            try exec(c, "BEGIN")
            do {
                // Two first runs at once: one creates the schema, the other waits and finds it.
                _ = try query(c, "SELECT pg_advisory_xact_lock($1)", [String(Self.migrationLockKey)])
                let present = try query(c, "SELECT to_regclass('schema_version') IS NOT NULL, to_regclass('ledger_runs') IS NOT NULL", [])
                if present.first == ["t", "t"] {
                    try checkVersion(c)
                } else if present.first?.contains("t") == true {
                    throw LedgerError(.schema, "the database of \(location) has only part of a replica-audit ledger (schema_version or ledger_runs is missing)")
                } else {
                    for statement in Self.schemaV1 { try exec(c, statement) }
                    _ = try query(c, "INSERT INTO schema_version (version, applied_at) VALUES ($1, $2)", [String(Ledgers.schemaVersion), LedgerChain.now()])
                }
                try exec(c, "COMMIT")
            } catch {
                try? exec(c, "ROLLBACK")
                throw error
            }
        }
    }

    @discardableResult
    private func checkVersion(_ c: OpaquePointer) throws -> Int {
        guard let text = try query(c, "SELECT max(version) FROM schema_version", []).first?.first ?? nil, let version = Int(text) else {
            throw LedgerError(.schema, "\(location) has an empty schema_version table: not a usable replica-audit ledger")
        }
        if version > Ledgers.schemaVersion {
            throw LedgerError(.schema, "\(location) has ledger schema version \(version); this build of replica-audit knows up to \(Ledgers.schemaVersion): use a newer build")
        }
        return version
    }

    func schemaVersion() throws -> Int {
        try locked { c in
            let present = try query(c, "SELECT to_regclass('schema_version') IS NOT NULL AND to_regclass('ledger_runs') IS NOT NULL", [])
            guard present.first?.first == "t" else {
                throw LedgerError(.schema, "the database of \(location) holds no replica-audit ledger (no schema_version and ledger_runs tables); it is made by the first run given --ledger")
            }
            return try checkVersion(c)
        }
    }

    // MARK: Records

    func append(_ draft: LedgerRecordDraft) throws -> LedgerEntry {
        try locked { c in
            try exec(c, "BEGIN")
            do {
                // Writers take turns on the ledger's advisory lock (held to COMMIT); unlike LOCK
                // TABLE it needs no UPDATE privilege, so appliances may be INSERT-only roles.
                _ = try query(c, "SELECT pg_advisory_xact_lock($1)", [String(Self.migrationLockKey)])
                let last = try query(c, "SELECT \(SQLiteLedger.entryColumns) FROM ledger_runs ORDER BY id DESC LIMIT 1", []).first.map(Self.entry)
                let entry = try LedgerChain.seal(draft, id: (last?.id ?? 0) + 1, previousHash: last?.recordHash ?? LedgerChain.genesisHash,
                                                 recordedAt: LedgerChain.now())
                _ = try query(c, """
                    INSERT INTO ledger_runs (id, kind, wave, vm, verdict, started_at, finished_at, recorded_at, host, tool_version,
                                             tool_build, command_line, report, report_sha256, previous_hash, record_hash)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
                    """, [String(entry.id), entry.kind, entry.wave, entry.vm, entry.verdict, entry.startedAt, entry.finishedAt,
                          entry.recordedAt, entry.host, entry.toolVersion, entry.toolBuild, entry.commandLineJSON,
                          String(decoding: draft.report, as: UTF8.self), entry.reportSHA256, entry.previousHash, entry.recordHash])
                try exec(c, "COMMIT")
                return entry
            } catch {
                try? exec(c, "ROLLBACK")
                throw error
            }
        }
    }

    func list(_ filter: LedgerFilter) throws -> [LedgerEntry] {
        var conditions: [String] = []
        var values: [String?] = []
        for (column, value) in [("vm", filter.vm), ("wave", filter.wave), ("verdict", filter.verdict), ("kind", filter.kind?.rawValue)] {
            if let value {
                values.append(value)
                conditions.append("\(column) = $\(values.count)")
            }
        }
        if let since = filter.since {
            values.append(since)
            conditions.append("started_at >= $\(values.count)")
        }
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        var sql = "SELECT \(SQLiteLedger.entryColumns) FROM ledger_runs\(whereClause) ORDER BY id"
        if let limit = filter.limit {
            sql = "SELECT * FROM (SELECT \(SQLiteLedger.entryColumns) FROM ledger_runs\(whereClause) ORDER BY id DESC LIMIT \(max(0, limit))) AS recent ORDER BY id"
        }
        return try locked { c in try query(c, sql, values).map(Self.entry) }
    }

    func record(id: Int64) throws -> LedgerRecord? {
        try locked { c in
            try query(c, "SELECT \(SQLiteLedger.entryColumns), report FROM ledger_runs WHERE id = $1", [String(id)]).first.map { row in
                LedgerRecord(entry: Self.entry(row), report: Data((row[15] ?? "").utf8))
            }
        }
    }

    func verifyChain() throws -> ChainCheck {
        try LedgerChain.verify { after in
            try locked { c in
                try query(c, "SELECT \(SQLiteLedger.entryColumns), report FROM ledger_runs WHERE id > $1 ORDER BY id LIMIT 256", [String(after)]).map { row in
                    (Self.entry(row), LedgerChain.sha256(Data((row[15] ?? "").utf8)))
                }
            }
        }
    }

    // MARK: libpq plumbing

    static func entry(_ row: [String?]) -> LedgerEntry {
        func text(_ index: Int) -> String { row[index] ?? "" }
        return LedgerEntry(id: Int64(text(0)) ?? 0, kind: text(1), wave: row[2], vm: row[3], verdict: text(4), startedAt: text(5),
                           finishedAt: text(6), recordedAt: text(7), host: text(8), toolVersion: text(9), toolBuild: text(10),
                           commandLineJSON: text(11), reportSHA256: text(12), previousHash: text(13), recordHash: text(14))
    }

    /// A string from libpq (its functions return NULL for a NULL connection or result, or when out of memory).
    static func string(_ text: UnsafeMutablePointer<CChar>?, absent: String = "out of memory") -> String {
        text.map { String(cString: $0) } ?? absent
    }

    /// One line: libpq's messages end with newlines and may span several.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }.joined(separator: "; ")
    }

    private func locked<T>(_ body: (OpaquePointer) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        guard let connection else { throw LedgerError(.database, "the ledger \(location) is closed") }
        return try body(connection)
    }

    private func failure(_ c: OpaquePointer, _ result: OpaquePointer?) -> LedgerError {
        let message = Self.oneLine(Self.string(result.flatMap { pq.resultErrorMessage($0) } ?? pq.errorMessage(c)))
        let lost = pq.status(c) != CONNECTION_OK
        return LedgerError(lost ? .unreachable : .database, "the ledger \(location) \(lost ? "went away" : "refused a statement"): \(message)")
    }

    private func exec(_ c: OpaquePointer, _ sql: String) throws {
        let result = pq.exec(c, sql)
        defer { pq.clear(result) }
        let status = result.map(pq.resultStatus) ?? PGRES_FATAL_ERROR
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else { throw failure(c, result) }
    }

    /// Runs `sql` with text parameters and answers the rows, each column text or nil for NULL.
    private func query(_ c: OpaquePointer, _ sql: String, _ parameters: [String?]) throws -> [[String?]] {
        let result: OpaquePointer? = Self.withOptionalCStrings(parameters) { pointers in
            pq.execParams(c, sql, Int32(parameters.count), nil, pointers, nil, nil, 0)
        }
        defer { pq.clear(result) }
        let status = result.map(pq.resultStatus) ?? PGRES_FATAL_ERROR
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK, let result else { throw failure(c, result) }
        let rows = pq.ntuples(result)
        let columns = pq.nfields(result)
        return (0..<rows).map { row in
            (0..<columns).map { column in
                pq.getisnull(result, row, column) == 1 ? nil : Self.string(pq.getvalue(result, row, column), absent: "")
            }
        }
    }

    private static func withCStrings<T>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> T) -> T {
        withOptionalCStrings(strings) { body($0) }
    }

    /// A NULL-terminated array of C strings (nil entries stay NULL) for the duration of `body`.
    private static func withOptionalCStrings<T>(_ strings: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> T) -> T {
        let copies: [UnsafeMutablePointer<CChar>?] = strings.map { $0.map { strdup($0)! } }
        defer { copies.forEach { free($0) } }
        let pointers: [UnsafePointer<CChar>?] = copies.map { $0.map { UnsafePointer($0) } } + [nil]
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
