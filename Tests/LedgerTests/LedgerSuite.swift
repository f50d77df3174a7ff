import Foundation
import Ledger
import TestSupport
import XCTest

/// One ledger backend under test: its URL and raw SQL on its database, the way a person
/// with database access (an attacker, or an auditor) would use it.
protocol LedgerBackend: AnyObject {
    var name: String { get }
    /// A fresh, empty ledger.
    func makeLedger() throws -> String
    /// Runs SQL on the ledger's database (sqlite3 or psql) and answers its output; throws on an SQL error.
    @discardableResult
    func sql(_ statement: String, ledger: String) throws -> String
    /// The SQL that lets UPDATE and DELETE through the append-only triggers (what a tamperer runs first).
    var disableAppendOnly: String { get }
}

/// An SQLite file in a temporary directory, read and changed with the sqlite3 tool.
final class SQLiteBackend: LedgerBackend {
    let name = "sqlite"
    let directory: URL
    init() throws { directory = try TemporaryDirectory.make(prefix: "ledger-sqlite") }
    deinit { try? FileManager.default.removeItem(at: directory) }

    func makeLedger() throws -> String {
        "sqlite:" + directory.appendingPathComponent("ledger-\(UUID().uuidString.prefix(8)).db").path
    }

    func sql(_ statement: String, ledger: String) throws -> String {
        let path = String(ledger.dropFirst("sqlite:".count))
        return try Tools.run("sqlite3", ["-bail", path, statement]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    let disableAppendOnly = "DROP TRIGGER ledger_runs_no_update; DROP TRIGGER ledger_runs_no_delete;"
}

/// A database on the test process's PostgreSQL server, read and changed with psql.
final class PostgresBackend: LedgerBackend {
    let name = "postgres"
    let server: PostgresServer
    init() throws { server = try PostgresServer.shared() }

    func makeLedger() throws -> String { try server.makeDatabase().url }

    func sql(_ statement: String, ledger: String) throws -> String {
        // The database is the URL's path, before any query.
        let path = ledger.split(separator: "?", maxSplits: 1).first ?? ""
        return try server.psql(statement, database: String(path.split(separator: "/").last ?? ""))
    }

    let disableAppendOnly = "ALTER TABLE ledger_runs DISABLE TRIGGER USER;"
}

/// Drafts and reports the suite appends.
enum Drafts {
    /// A small report document standing for report.json.
    static func report(vm: String, verdict: String, index: Int) -> Data {
        Data("""
        {"schemaVersion": 1, "vm": {"name": "\(vm)"}, "verdict": "\(verdict)", "index": \(index), "note": "caf\u{e9} \u{2014} ok"}

        """.utf8)
    }

    static func draft(_ index: Int, kind: LedgerRunKind = .verify, wave: String? = nil, vm: String = "pgtest1",
                      verdict: String = "pass", startedAt: String = "2026-12-01T10:00:00Z") -> LedgerRecordDraft {
        LedgerRecordDraft(kind: kind, wave: wave, vm: vm, verdict: verdict, startedAt: startedAt, finishedAt: startedAt,
                          host: "oma-01", toolVersion: "0.1.0", toolBuild: "abc1234",
                          commandLine: ["replica-audit", "verify", "--inventory", "inv.json", "run-\(index)"],
                          report: report(vm: vm, verdict: verdict, index: index))
    }
}

/// The ledger suite, the same for both backends (each XCTestCase class calls it with its backend).
struct LedgerSuite {
    let backend: LedgerBackend

    /// Appends, lists, shows, filters, survives reopening, and keeps its chain.
    func appendListShowAndFilters() throws {
        let url = try backend.makeLedger()
        let store = try Ledgers.open(url)
        XCTAssertEqual(try store.schemaVersion(), 1)
        XCTAssertEqual(try backend.sql("SELECT max(version) FROM schema_version", ledger: url), "1")
        let drafts = [
            Drafts.draft(1, wave: "wave-12", vm: "pgtest1", verdict: "fail", startedAt: "2026-11-30T08:00:00Z"),
            Drafts.draft(2, wave: "wave-12", vm: "web01", verdict: "pass", startedAt: "2026-12-01T09:00:00Z"),
            Drafts.draft(3, kind: .preflight, vm: "pgtest1", verdict: "ready", startedAt: "2026-12-02T10:00:00Z"),
        ]
        var entries: [LedgerEntry] = []
        for draft in drafts { entries.append(try store.append(draft)) }
        XCTAssertEqual(entries.map(\.id), [1, 2, 3])
        XCTAssertEqual(entries[0].previousHash, LedgerChain.genesisHash)
        XCTAssertEqual(entries[1].previousHash, entries[0].recordHash)
        XCTAssertEqual(entries[2].previousHash, entries[1].recordHash)
        XCTAssertEqual(entries[1].recordHash, LedgerChain.sha256(LedgerChain.canonicalBytes(entries[1])))

        let all = try store.list(LedgerFilter())
        XCTAssertEqual(all, entries, "list answers what append stored, in id order")
        let second = try XCTUnwrap(try store.record(id: 2))
        XCTAssertEqual(second.report, drafts[1].report, "the report comes back byte for byte")
        XCTAssertEqual(second.entry.commandLine, drafts[1].commandLine)
        XCTAssertEqual(second.entry.reportSHA256, LedgerChain.sha256(drafts[1].report))
        XCTAssertNil(try store.record(id: 99))

        XCTAssertEqual(try store.list(LedgerFilter(vm: "pgtest1")).map(\.id), [1, 3])
        XCTAssertEqual(try store.list(LedgerFilter(wave: "wave-12")).map(\.id), [1, 2])
        XCTAssertEqual(try store.list(LedgerFilter(verdict: "fail")).map(\.id), [1])
        XCTAssertEqual(try store.list(LedgerFilter(kind: .preflight)).map(\.id), [3])
        XCTAssertEqual(try store.list(LedgerFilter(since: "2026-12-01T00:00:00Z")).map(\.id), [2, 3])
        XCTAssertEqual(try store.list(LedgerFilter(vm: "pgtest1", since: "2026-12-01T00:00:00Z")).map(\.id), [3])
        XCTAssertEqual(try store.list(LedgerFilter(limit: 2)).map(\.id), [2, 3], "--limit keeps the most recent")
        XCTAssertEqual(try store.list(LedgerFilter(vm: "nobody")), [])
        store.close()

        // Reopened (a later run): the chain goes on from the last record.
        let again = try Ledgers.open(url)
        let fourth = try again.append(Drafts.draft(4))
        XCTAssertEqual(fourth.id, 4)
        XCTAssertEqual(fourth.previousHash, entries[2].recordHash)
        let check = try again.verifyChain()
        XCTAssertTrue(check.isIntact, "\(String(describing: check.firstBreak))")
        XCTAssertEqual(check.records, 4)
        XCTAssertEqual(check.headHash, fourth.recordHash)
        again.close()
    }

    /// The database itself refuses UPDATE and DELETE on the records.
    func appendOnlyInTheDatabase() throws {
        let url = try backend.makeLedger()
        let store = try Ledgers.open(url)
        _ = try store.append(Drafts.draft(1, verdict: "fail"))
        store.close()
        XCTAssertThrowsError(try backend.sql("UPDATE ledger_runs SET verdict = 'pass' WHERE id = 1", ledger: url))
        XCTAssertThrowsError(try backend.sql("DELETE FROM ledger_runs WHERE id = 1", ledger: url))
        XCTAssertEqual(try backend.sql("SELECT verdict FROM ledger_runs WHERE id = 1", ledger: url), "fail")
    }

    /// A ledger written by a newer schema is refused with a one-line reason; a database that
    /// is something else is not taken over.
    func schemaVersionChecks() throws {
        let url = try backend.makeLedger()
        try Ledgers.open(url).close()
        try backend.sql("INSERT INTO schema_version (version, applied_at) VALUES (99, 'later')", ledger: url)
        XCTAssertThrowsError(try Ledgers.open(url)) { error in
            XCTAssertTrue("\(error)".contains("schema version 99"), "\(error)")
        }
        XCTAssertThrowsError(try Ledgers.open(url, create: false))
        let other = try backend.makeLedger()
        if backend.name == "sqlite" {
            try backend.sql("CREATE TABLE customers (id INTEGER)", ledger: other)
            XCTAssertThrowsError(try Ledgers.open(other)) { error in XCTAssertTrue("\(error)".contains("not a replica-audit ledger"), "\(error)") }
        } else {
            XCTAssertThrowsError(try Ledgers.open(other, create: false)) { error in XCTAssertTrue("\(error)".contains("holds no replica-audit ledger"), "\(error)") }
        }
    }

    /// 4 processes × 25 appends at once, each its own connection: 100 records, ids 1…100, the chain intact.
    func concurrentWriters(reportFolder: URL) throws {
        let url = try backend.makeLedger()
        try Ledgers.open(url).close()
        let binary = try Repository.binary()
        let script = """
            set -u
            for w in 1 2 3 4; do
              ( for i in $(seq 1 25); do "$0" ledger record "$1" --ledger "$2" --wave "writer-$w" >/dev/null || echo "writer $w append $i failed" >&2; done ) &
            done
            wait
            """
        let started = Date()
        let result = try Tools.run("/bin/bash", ["-c", script, binary, reportFolder.path, url], check: false, timeout: 240)
        XCTAssertEqual(result.stderr, "", "every append succeeds")
        let store = try Ledgers.open(url, create: false)
        defer { store.close() }
        let entries = try store.list(LedgerFilter())
        XCTAssertEqual(entries.count, 100, "no record lost")
        XCTAssertEqual(entries.map(\.id), Array(1...100), "no id skipped or doubled")
        for writer in 1...4 { XCTAssertEqual(try store.list(LedgerFilter(wave: "writer-\(writer)")).count, 25) }
        let check = try store.verifyChain()
        XCTAssertTrue(check.isIntact, "\(String(describing: check.firstBreak)) after \(Date().timeIntervalSince(started)) s")
        XCTAssertEqual(check.records, 100)
    }

    /// One store shared by 8 threads (a wave appending as its VMs finish), and a second
    /// store on the same ledger beside it: 8 × 10 + 10 records, chain intact.
    func threadsShareAStore() throws {
        let url = try backend.makeLedger()
        let shared = try Ledgers.open(url)
        let other = try Ledgers.open(url)
        defer { shared.close(); other.close() }
        let failures = NSLock()
        nonisolated(unsafe) var errors: [String] = []
        DispatchQueue.concurrentPerform(iterations: 9) { worker in
            for index in 0..<10 {
                do { _ = try (worker == 8 ? other : shared).append(Drafts.draft(worker * 100 + index, wave: "thread-\(worker)")) } catch {
                    failures.lock(); errors.append("\(error)"); failures.unlock()
                }
            }
        }
        XCTAssertEqual(errors, [])
        let entries = try shared.list(LedgerFilter())
        XCTAssertEqual(entries.map(\.id), Array(1...90))
        XCTAssertEqual(Set(entries.compactMap(\.wave)).count, 9)
        XCTAssertTrue(try other.verifyChain().isIntact)
    }

    /// A ledger of five records, and what `ledger verify` says about it.
    private func fiveRecords() throws -> (url: String, entries: [LedgerEntry]) {
        let url = try backend.makeLedger()
        let store = try Ledgers.open(url)
        defer { store.close() }
        let entries = try (1...5).map { try store.append(Drafts.draft($0, verdict: $0 == 3 ? "fail" : "pass")) }
        return (url, entries)
    }

    private func ledgerVerify(_ url: String, _ extra: [String] = []) throws -> Tools.Result {
        try Repository.runTool(["ledger", "verify", "--ledger", url] + extra)
    }

    /// Edited verdict, edited report, deleted record, swapped ids, records deleted at the end:
    /// each breaks the chain at the first record concerned, through the API and `ledger verify`.
    func tampering() throws {
        // Intact first.
        let intact = try fiveRecords()
        let ok = try ledgerVerify(intact.url)
        XCTAssertEqual(ok.status, 0, ok.stdout + ok.stderr)
        XCTAssertTrue(ok.stdout.contains("intact: 5 records"), ok.stdout)
        XCTAssertTrue(ok.stdout.contains(intact.entries[4].recordHash), "the head hash is printed: \(ok.stdout)")

        let cases: [(name: String, sql: String, bad: Int64, words: String)] = [
            ("edited verdict", "UPDATE ledger_runs SET verdict = 'pass' WHERE id = 3", 3, "changed after it was recorded"),
            ("edited report", "UPDATE ledger_runs SET report = replace(report, '\"index\": 2', '\"index\": 7') WHERE id = 2", 2, "report"),
            ("deleted record", "DELETE FROM ledger_runs WHERE id = 3", 4, "record 3 is missing"),
            ("swapped ids", "UPDATE ledger_runs SET id = -2 WHERE id = 2; UPDATE ledger_runs SET id = 2 WHERE id = 3; UPDATE ledger_runs SET id = 3 WHERE id = -2", 2, "changed"),
            ("deleted first record", "DELETE FROM ledger_runs WHERE id = 1", 2, "record 1 is missing"),
        ]
        for tamper in cases {
            let ledger = try fiveRecords()
            try backend.sql(backend.disableAppendOnly + " " + tamper.sql, ledger: ledger.url)
            let store = try Ledgers.open(ledger.url, create: false)
            let check = try store.verifyChain()
            store.close()
            XCTAssertEqual(check.firstBreak?.recordID, tamper.bad, "\(backend.name), \(tamper.name): \(String(describing: check.firstBreak))")
            let run = try ledgerVerify(ledger.url)
            XCTAssertEqual(run.status, 1, "\(backend.name), \(tamper.name): \(run.stdout) \(run.stderr)")
            XCTAssertTrue(run.stdout.contains("BROKEN at record \(tamper.bad):"), "\(backend.name), \(tamper.name): \(run.stdout)")
            XCTAssertTrue(run.stdout.contains(tamper.words), "\(backend.name), \(tamper.name): \(run.stdout)")
            let json = try Repository.runTool(["ledger", "verify", "--ledger", ledger.url, "--format", "json"])
            XCTAssertEqual(json.status, 1)
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            XCTAssertEqual(object["intact"] as? Bool, false)
            XCTAssertEqual((object["firstBadRecord"] as? [String: Any])?["id"] as? Int, Int(tamper.bad))
        }

        // A record edited and its own hash recomputed (by someone who knows the canonical
        // bytes): the next record's previous-record hash gives it away.
        let rehashed = try fiveRecords()
        var edited = rehashed.entries[2]
        edited.verdict = "pass"
        edited.recordHash = LedgerChain.hash(edited)
        try backend.sql(backend.disableAppendOnly
                        + " UPDATE ledger_runs SET verdict = 'pass', record_hash = '\(edited.recordHash)' WHERE id = 3", ledger: rehashed.url)
        let rehashedRun = try ledgerVerify(rehashed.url)
        XCTAssertEqual(rehashedRun.status, 1, rehashedRun.stdout)
        XCTAssertTrue(rehashedRun.stdout.contains("BROKEN at record 4: the previous-record hash it carries is not record 3's: record 3 was changed"),
                      "\(backend.name): \(rehashedRun.stdout)")

        // The newest records deleted: the shorter chain holds, the head noted earlier does not.
        let tail = try fiveRecords()
        try backend.sql(backend.disableAppendOnly + " DELETE FROM ledger_runs WHERE id >= 4", ledger: tail.url)
        let shorter = try ledgerVerify(tail.url)
        XCTAssertEqual(shorter.status, 0, "a shorter chain holds by itself: \(shorter.stdout)")
        let anchored = try ledgerVerify(tail.url, ["--expect-head", tail.entries[4].recordHash])
        XCTAssertEqual(anchored.status, 1, anchored.stdout)
        XCTAssertTrue(anchored.stdout.contains("deleted from its end"), anchored.stdout)
        let stillThere = try ledgerVerify(tail.url, ["--expect-head", tail.entries[2].recordHash])
        XCTAssertEqual(stillThere.status, 0, stillThere.stdout)
    }
}
