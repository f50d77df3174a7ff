import Foundation
import Ledger
import TestSupport
import XCTest

/// Ledger URLs, redaction and the canonical bytes (pure logic), and the commands' behaviour
/// when the ledger cannot be written: exit 2, loudly, after the reports are written.
final class LedgerURLAndFailureTests: XCTestCase {
    func testURLForms() throws {
        XCTAssertEqual(try LedgerLocation(parsing: "/var/lib/ra/ledger.db"), .sqlite(path: "/var/lib/ra/ledger.db"))
        XCTAssertEqual(try LedgerLocation(parsing: "ledger.db"), .sqlite(path: "ledger.db"))
        XCTAssertEqual(try LedgerLocation(parsing: "sqlite:ledger.db"), .sqlite(path: "ledger.db"))
        XCTAssertEqual(try LedgerLocation(parsing: "sqlite:///var/ledger.db"), .sqlite(path: "/var/ledger.db"))
        XCTAssertEqual(try LedgerLocation(parsing: "postgres://audit@db:5432/ledger"), .postgres(uri: "postgres://audit@db:5432/ledger"))
        XCTAssertEqual(try LedgerLocation(parsing: "postgresql://audit@/ledger?host=/run/pg"), .postgres(uri: "postgresql://audit@/ledger?host=/run/pg"))
        for bad in ["", "   ", "mysql://db/ledger", "https://example/ledger", "postgres://audit@db:99999/ledger",
                    "postgres://audit@db:port/ledger", "postgres:///ledger", "sqlite:", "a\nb",
                    "host=db dbname=ledger user=audit"] {
            XCTAssertThrowsError(try LedgerLocation(parsing: bad), "\(bad) must be refused") { error in
                XCTAssertFalse("\(error)".contains("\n"), "one line: \(error)")
            }
        }
    }

    func testRedaction() {
        XCTAssertEqual(Ledgers.redact("postgres://audit:s3cret@db:5432/ledger"), "postgres://audit:REDACTED@db:5432/ledger")
        XCTAssertEqual(Ledgers.redact("postgresql://audit@db/ledger?sslmode=verify-full&sslkey=/etc/k.key&password=pw&host=/run/pg"),
                       "postgresql://audit@db/ledger?sslmode=verify-full&sslkey=REDACTED&password=REDACTED&host=/run/pg")
        XCTAssertEqual(Ledgers.redact("/var/lib/ledger.db"), "/var/lib/ledger.db")
        XCTAssertEqual(Ledgers.redactedCommandLine(["replica-audit", "verify", "--ledger", "postgres://a:b@h/d", "--ledger=postgresql://a:c@h/d?sslcert=/x"]),
                       ["replica-audit", "verify", "--ledger", "postgres://a:REDACTED@h/d", "--ledger=postgresql://a:REDACTED@h/d?sslcert=REDACTED"])
        XCTAssertEqual(Ledgers.redactedCommandLine(["--nbd-targets", "2000:nbds+unix://bob:pw@/v?socket=/s&tls-psk-file=/etc/k.psk,2001:nbd://h/x",
                                                    "plain", "a=b"]),
                       ["--nbd-targets", "2000:nbds+unix://bob:REDACTED@/v?socket=/s&tls-psk-file=REDACTED,2001:nbd://h/x", "plain", "a=b"])
        let draft = LedgerRecordDraft(kind: .verify, vm: "vm", verdict: "pass",
                                      provenance: .init(tool: .init(version: "1"), commandLine: ["ra", "--ledger", "postgres://u:pw@h/d"], host: "h",
                                                        user: "u", startedAt: "s", finishedAt: "f", inputs: [], caseId: nil, examiner: nil),
                                      report: Data("{}".utf8))
        XCTAssertEqual(draft.commandLine, ["ra", "--ledger", "postgres://u:REDACTED@h/d"])
    }

    /// The canonical bytes as docs/LEDGER.md spells them, and a hash any tool can recompute.
    func testCanonicalBytesAreAsDocumented() {
        let entry = LedgerEntry(id: 7, kind: "verify", wave: nil, vm: "pgtest1", verdict: "fail", startedAt: "2026-12-01T10:00:00Z",
                                finishedAt: "2026-12-01T10:01:00Z", recordedAt: "2026-12-01T10:01:00.123Z", host: "oma-01",
                                toolVersion: "0.1.0", toolBuild: "abc1234", commandLineJSON: #"["replica-audit","verify"]"#,
                                reportSHA256: String(repeating: "a", count: 64), previousHash: LedgerChain.genesisHash, recordHash: "")
        let expected = """
            replica-audit ledger record v1
            id:1:7
            kind:6:verify
            wave:null
            vm:7:pgtest1
            verdict:4:fail
            started_at:20:2026-12-01T10:00:00Z
            finished_at:20:2026-12-01T10:01:00Z
            recorded_at:24:2026-12-01T10:01:00.123Z
            host:6:oma-01
            tool_version:5:0.1.0
            tool_build:7:abc1234
            command_line:26:["replica-audit","verify"]
            report_sha256:64:\(String(repeating: "a", count: 64))
            previous_hash:64:\(LedgerChain.genesisHash)

            """
        XCTAssertEqual(String(decoding: LedgerChain.canonicalBytes(entry), as: UTF8.self), expected)
        let sha = try? Tools.sh("printf '%s' '\(expected.replacingOccurrences(of: "'", with: "'\\''"))' | sha256sum | cut -d' ' -f1").stdout
        XCTAssertEqual(sha?.trimmingCharacters(in: .whitespacesAndNewlines), LedgerChain.hash(entry), "sha256sum of the documented bytes")
    }

    func testBadLedgerURLIsRefusedBeforeAnythingIsRead() throws {
        let dir = try TemporaryDirectory.make(prefix: "ledger-badurl")
        defer { try? FileManager.default.removeItem(at: dir) }
        let reports = dir.appendingPathComponent("reports").path
        let run = try Repository.runTool(["verify", "--inventory", SeedImages.inventory, "--target", "2000=/nonexistent",
                                          "--report-dir", reports, "--ledger", "mysql://audit@db/ledger"])
        XCTAssertEqual(run.status, 2, run.stderr)
        XCTAssertTrue(run.stderr.contains("scheme \"mysql\" is not known"), run.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: reports), "nothing was done")
        let env = try Tools.run(try Repository.binary(), ["ledger", "list"], check: false, environment: ["REPLICA_AUDIT_LEDGER": "ftp://x/y"])
        XCTAssertEqual(env.status, 2)
        XCTAssertTrue(env.stderr.contains("REPLICA_AUDIT_LEDGER"), env.stderr)
        let none = try Tools.run(try Repository.binary(), ["ledger", "list"], check: false, environment: ["REPLICA_AUDIT_LEDGER": ""])
        XCTAssertEqual(none.status, 2)
        XCTAssertTrue(none.stderr.contains("give the ledger with --ledger"), none.stderr)
        let absent = try Repository.runTool(["ledger", "list", "--ledger", dir.appendingPathComponent("none.db").path])
        XCTAssertEqual(absent.status, 2)
        XCTAssertTrue(absent.stderr.contains("does not exist"), absent.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("none.db").path), "reading never creates a ledger")
        let garbage = dir.appendingPathComponent("notes.txt")
        try Data(String(repeating: "not a database\n", count: 100).utf8).write(to: garbage)
        for arguments in [["ledger", "list", "--ledger", garbage.path], ["ledger", "verify", "--ledger", "sqlite:" + garbage.path],
                          ["ledger", "record", try SeedImages.shared().reportFolder().path, "--ledger", garbage.path]] {
            let run = try Repository.runTool(arguments)
            XCTAssertEqual(run.status, 2, "\(arguments): \(run.stderr)")
            XCTAssertEqual(run.stderr.split(separator: "\n").count, 1, "one line: \(run.stderr)")
        }
        XCTAssertEqual(try Data(contentsOf: garbage), Data(String(repeating: "not a database\n", count: 100).utf8), "a file that is not a ledger is left alone")
    }

    /// verify (SQLite in a missing or read-only directory) and preflight (PostgreSQL on a
    /// closed port): the reports are written, the error is loud and names the verdict, exit 2.
    func testUnreachableLedgerExitsTwoAfterTheReports() throws {
        let seed = try SeedImages.shared()
        let servers = try seed.servers()
        defer { servers.forEach { $0.stop() } }
        let dir = try TemporaryDirectory.make(prefix: "ledger-unreachable")
        let readOnly = dir.appendingPathComponent("read-only")
        try FileManager.default.createDirectory(at: readOnly, withIntermediateDirectories: true)
        var mounted = false
        if geteuid() == 0 {
            // root writes through permission bits: a read-only tmpfs it is.
            try Tools.run("mount", ["-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", readOnly.path])
            mounted = true
        } else {
            try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: readOnly.path)
        }
        defer {
            if mounted { _ = try? Tools.run("umount", [readOnly.path], check: false) }
            try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: readOnly.path)
            try? FileManager.default.removeItem(at: dir)
        }
        let closedPort = try Tools.run("python3", ["-c", "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"])
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let targets = "2000:\(servers[0].uri()),2001:\(servers[1].uri())"
        let cases: [(command: String, ledger: String, report: String, words: String)] = [
            ("verify", "sqlite:" + dir.appendingPathComponent("missing/ledger.db").path, "report.json", "does not exist"),
            ("verify", readOnly.appendingPathComponent("ledger.db").path, "report.json", "ledger.db"),
            ("preflight", "postgres://postgres:hunter2@127.0.0.1:\(closedPort)/ledger", "preflight.json", "127.0.0.1"),
        ]
        for (index, item) in cases.enumerated() {
            let reports = dir.appendingPathComponent("reports-\(index)")
            let started = Date()
            let run = try Repository.runTool([item.command, "--inventory", SeedImages.inventory, "--nbd-targets", targets,
                                              "--report-dir", reports.path, "--ledger", item.ledger])
            XCTAssertEqual(run.status, 2, "\(item.ledger): \(run.stdout) \(run.stderr)")
            XCTAssertTrue(FileManager.default.fileExists(atPath: reports.appendingPathComponent(item.report).path),
                          "\(item.ledger): the reports are written first")
            let lastLine = run.stderr.split(separator: "\n").last.map(String.init) ?? ""
            XCTAssertTrue(lastLine.hasPrefix("replica-audit: LEDGER NOT WRITTEN: "), run.stderr)
            XCTAssertTrue(lastLine.contains(item.words), lastLine)
            XCTAssertTrue(lastLine.contains("verdict is"), lastLine)
            XCTAssertTrue(run.stderr.contains("warning: the audit ledger cannot be written now"), "said before reading: \(run.stderr)")
            XCTAssertFalse(run.stderr.contains("hunter2"), run.stderr)
            XCTAssertLessThan(Date().timeIntervalSince(started), 60, "no hang")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("missing").path), "no directory is made for a ledger")

        // Recorded later from the report folder, once the ledger can be reached.
        let later = dir.appendingPathComponent("later.db").path
        let record = try Repository.runTool(["ledger", "record", dir.appendingPathComponent("reports-0").path, "--ledger", later])
        XCTAssertEqual(record.status, 0, record.stderr)
        let store = try Ledgers.open(later, create: false)
        defer { store.close() }
        let entry = try XCTUnwrap(try store.list(LedgerFilter()).first)
        XCTAssertEqual(entry.kind, "verify")
        XCTAssertEqual(try store.record(id: entry.id)?.report, try Data(contentsOf: dir.appendingPathComponent("reports-0/report.json")))
    }
}
