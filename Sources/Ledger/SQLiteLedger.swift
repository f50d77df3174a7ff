import CSQLite
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import AuditCore

/// The embedded backend: one SQLite file (docs/LEDGER.md). Appends run in `BEGIN IMMEDIATE`
/// transactions, so processes appending to one file take turns (waiting up to the busy
/// timeout) and every record follows the one before it.
final class SQLiteLedger: LedgerStore, @unchecked Sendable {
    let location: String
    private let lock = Lock()
    private var db: OpaquePointer?
    /// libsqlite3's functions, loaded at the first SQLite ledger (`SQLiteLibrary`).
    private let sqlite: SQLiteLibrary

    /// How long a writer waits for another writer's transaction, in milliseconds.
    static let busyTimeoutMilliseconds: Int32 = 60_000

    init(path: String, create: Bool) throws {
        location = "sqlite:" + path
        sqlite = try SQLiteLibrary.load()
        if !create, !FileManager.default.fileExists(atPath: path) {
            throw LedgerError(.unreachable, "no ledger at \(path): the file does not exist (it is made by the first run given --ledger)")
        }
        if create {
            let directory = PathText.deletingLastComponent(path)
            var isDirectory = false
            if !directory.isEmpty, !(FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) && isDirectory) {
                throw LedgerError(.unreachable, "cannot open the ledger \(path): the directory \(directory) does not exist")
            }
        }
        let flags = create ? (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX)
                           : (SQLITE_OPEN_READONLY | SQLITE_OPEN_FULLMUTEX)
        var handle: OpaquePointer?
        let status = sqlite.open_v2(path, &handle, flags, nil)
        guard status == SQLITE_OK, let handle else {
            let message = Self.string(handle.flatMap { sqlite.errmsg($0) } ?? sqlite.errstr(status))
            _ = sqlite.close_v2(handle)
            throw LedgerError(.unreachable, "cannot open the ledger \(path): \(message)")
        }
        db = handle
        _ = sqlite.busy_timeout(handle, Self.busyTimeoutMilliseconds)
        _ = sqlite.extended_result_codes(handle, 1)
        do {
            if create { try migrate() } else { _ = try schemaVersion() }
        } catch let error as LedgerError {
            close()
            if error.kind == .database {
                throw LedgerError(.unreachable, "cannot use the ledger \(path): \(error.description)")
            }
            throw error
        }
    }

    deinit { close() }

    func close() {
        lock.lock()
        defer { lock.unlock() }
        if let db { _ = sqlite.close_v2(db) }
        db = nil
    }

    // MARK: Schema

    /// Creates the schema in an empty file, or checks the version of an existing one.
    private func migrate() throws {
        try locked { db in
            try exec(db, "BEGIN IMMEDIATE")
            do {
                let hasVersionTable = try scalarInt(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'") ?? 0
                if hasVersionTable == 0 {
                    let others = try scalarInt(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table'") ?? 0
                    if others > 0 {
                        throw LedgerError(.schema, "\(location) is an SQLite database but not a replica-audit ledger (it has tables but no schema_version); give another file")
                    }
                    for statement in SQLiteLedger.schemaV1 { try exec(db, statement) }
                    try exec(db, "INSERT INTO schema_version (version, applied_at) VALUES (\(Ledgers.schemaVersion), '\(LedgerChain.now())')")
                } else {
                    try checkVersion(db)
                }
                try exec(db, "COMMIT")
            } catch {
                try? exec(db, "ROLLBACK")
                throw error
            }
        }
    }

    /// Schema version 1 (docs/LEDGER.md, "Schema"). Triggers refuse UPDATE and DELETE.
    static let schemaV1 = [
        "CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TEXT NOT NULL)",
        """
        CREATE TABLE ledger_runs (
            id INTEGER PRIMARY KEY,
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
        "CREATE TRIGGER ledger_runs_no_update BEFORE UPDATE ON ledger_runs BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END",
        "CREATE TRIGGER ledger_runs_no_delete BEFORE DELETE ON ledger_runs BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END",
    ]

    private func checkVersion(_ db: OpaquePointer) throws {
        guard let version = try scalarInt(db, "SELECT max(version) FROM schema_version") else {
            throw LedgerError(.schema, "\(location) has an empty schema_version table: not a usable replica-audit ledger")
        }
        if version > Ledgers.schemaVersion {
            throw LedgerError(.schema, "\(location) has ledger schema version \(version); this build of replica-audit knows up to \(Ledgers.schemaVersion): use a newer build")
        }
    }

    func schemaVersion() throws -> Int {
        try locked { db in
            let tables = try scalarInt(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('schema_version', 'ledger_runs')") ?? 0
            guard tables == 2 else { throw LedgerError(.schema, "\(location) is not a replica-audit ledger (no schema_version and ledger_runs tables)") }
            try checkVersion(db)
            return Int(try scalarInt(db, "SELECT max(version) FROM schema_version") ?? 0)
        }
    }

    // MARK: Records

    func append(_ draft: LedgerRecordDraft) throws -> LedgerEntry {
        try locked { db in
            try exec(db, "BEGIN IMMEDIATE")
            do {
                let last = try query(db, "SELECT \(Self.entryColumns) FROM ledger_runs ORDER BY id DESC LIMIT 1", [], row: entry).first
                let entry = try LedgerChain.seal(draft, id: (last?.id ?? 0) + 1, previousHash: last?.recordHash ?? LedgerChain.genesisHash,
                                                 recordedAt: LedgerChain.now())
                let report = String(decoding: draft.report, as: UTF8.self)
                let values: [SQLiteValue] = [.int(entry.id), .text(entry.kind), .optional(entry.wave), .optional(entry.vm), .text(entry.verdict),
                                             .text(entry.startedAt), .text(entry.finishedAt), .text(entry.recordedAt), .text(entry.host),
                                             .text(entry.toolVersion), .text(entry.toolBuild), .text(entry.commandLineJSON), .text(report),
                                             .text(entry.reportSHA256), .text(entry.previousHash), .text(entry.recordHash)]
                _ = try query(db, """
                    INSERT INTO ledger_runs (id, kind, wave, vm, verdict, started_at, finished_at, recorded_at, host, tool_version,
                                             tool_build, command_line, report, report_sha256, previous_hash, record_hash)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, values, row: { _ in () })
                try exec(db, "COMMIT")
                return entry
            } catch {
                try? exec(db, "ROLLBACK")
                throw error
            }
        }
    }

    func list(_ filter: LedgerFilter) throws -> [LedgerEntry] {
        var conditions: [String] = []
        var values: [SQLiteValue] = []
        for (column, value) in [("vm", filter.vm), ("wave", filter.wave), ("verdict", filter.verdict), ("kind", filter.kind?.rawValue)] {
            if let value {
                conditions.append("\(column) = ?")
                values.append(.text(value))
            }
        }
        if let since = filter.since {
            conditions.append("started_at >= ?")
            values.append(.text(since))
        }
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        var sql = "SELECT \(Self.entryColumns) FROM ledger_runs\(whereClause) ORDER BY id"
        if let limit = filter.limit {
            sql = "SELECT * FROM (SELECT \(Self.entryColumns) FROM ledger_runs\(whereClause) ORDER BY id DESC LIMIT \(max(0, limit))) ORDER BY id"
        }
        return try locked { db in try query(db, sql, values, row: entry) }
    }

    func record(id: Int64) throws -> LedgerRecord? {
        try locked { db in
            try query(db, "SELECT \(Self.entryColumns), report FROM ledger_runs WHERE id = ?", [.int(id)]) { statement in
                LedgerRecord(entry: entry(statement), report: Data(text(statement, 15).utf8))
            }.first
        }
    }

    func verifyChain() throws -> ChainCheck {
        try LedgerChain.verify { after in
            try locked { db in
                try query(db, "SELECT \(Self.entryColumns), report FROM ledger_runs WHERE id > ? ORDER BY id LIMIT 256", [.int(after)]) { statement in
                    (entry(statement), LedgerChain.sha256(Data(text(statement, 15).utf8)))
                }
            }
        }
    }

    // MARK: SQLite plumbing

    static let entryColumns = "id, kind, wave, vm, verdict, started_at, finished_at, recorded_at, host, tool_version, tool_build, command_line, report_sha256, previous_hash, record_hash"

    func entry(_ s: OpaquePointer) -> LedgerEntry {
        LedgerEntry(id: sqlite.column_int64(s, 0), kind: text(s, 1), wave: optionalText(s, 2), vm: optionalText(s, 3),
                    verdict: text(s, 4), startedAt: text(s, 5), finishedAt: text(s, 6), recordedAt: text(s, 7), host: text(s, 8),
                    toolVersion: text(s, 9), toolBuild: text(s, 10), commandLineJSON: text(s, 11), reportSHA256: text(s, 12),
                    previousHash: text(s, 13), recordHash: text(s, 14))
    }

    func text(_ s: OpaquePointer, _ column: Int32) -> String {
        guard let bytes = sqlite.column_text(s, column) else { return "" }
        let count = Int(sqlite.column_bytes(s, column))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    func optionalText(_ s: OpaquePointer, _ column: Int32) -> String? {
        sqlite.column_type(s, column) == SQLITE_NULL ? nil : text(s, column)
    }

    /// A message from libsqlite3 (its functions return NULL only when out of memory).
    static func string(_ text: UnsafePointer<CChar>?) -> String { text.map { String(cString: $0) } ?? "out of memory" }

    enum SQLiteValue {
        case int(Int64)
        case text(String)
        case null

        static func optional(_ value: String?) -> SQLiteValue { value.map { .text($0) } ?? .null }
    }

    private func locked<T>(_ body: (OpaquePointer) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        guard let db else { throw LedgerError(.database, "the ledger \(location) is closed") }
        return try body(db)
    }

    private func error(_ db: OpaquePointer, _ what: String) -> LedgerError {
        let code = sqlite.errcode(db)
        let message = Self.string(sqlite.errmsg(db))
        if (code & 0xFF) == SQLITE_NOTADB {
            return LedgerError(.schema, "\(location) is not an SQLite database (\(message)): give a replica-audit ledger, or the path of a new file")
        }
        let kind: LedgerError.Kind = (code & 0xFF) == SQLITE_CANTOPEN || (code & 0xFF) == SQLITE_READONLY || (code & 0xFF) == SQLITE_BUSY
            || (code & 0xFF) == SQLITE_PERM || (code & 0xFF) == SQLITE_IOERR || (code & 0xFF) == SQLITE_NOTADB ? .unreachable : .database
        return LedgerError(kind, "the ledger \(location) could not \(what): \(message)")
    }

    private func exec(_ db: OpaquePointer, _ sql: String) throws {
        guard sqlite.exec(db, sql, nil, nil, nil) == SQLITE_OK else { throw error(db, "run \(sql.prefix(40))") }
    }

    private func scalarInt(_ db: OpaquePointer, _ sql: String) throws -> Int64? {
        try query(db, sql, []) { s in sqlite.column_type(s, 0) == SQLITE_NULL ? nil : sqlite.column_int64(s, 0) }.first ?? nil
    }

    private func query<T>(_ db: OpaquePointer, _ sql: String, _ values: [SQLiteValue], row: (OpaquePointer) throws -> T) throws -> [T] {
        var statement: OpaquePointer?
        guard sqlite.prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw error(db, "prepare a statement")
        }
        defer { _ = sqlite.finalize(statement) }
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        for (index, value) in values.enumerated() {
            let position = Int32(index + 1)
            switch value {
            case .int(let number): _ = sqlite.bind_int64(statement, position, number)
            case .text(let text): _ = sqlite.bind_text(statement, position, text, -1, transient)
            case .null: _ = sqlite.bind_null(statement, position)
            }
        }
        var rows: [T] = []
        while true {
            let status = sqlite.step(statement)
            if status == SQLITE_ROW { rows.append(try row(statement)); continue }
            if status == SQLITE_DONE { break }
            throw error(db, sql.hasPrefix("INSERT") ? "append the record" : "read records")
        }
        return rows
    }
}
