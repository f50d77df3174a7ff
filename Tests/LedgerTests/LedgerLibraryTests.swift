import Foundation
import Ledger
import TestSupport
import XCTest

/// libsqlite3 and libpq are loaded when a ledger is first opened, not linked (docs/LEDGER.md,
/// "Libraries"): the binary does not need them, a run without a ledger never loads them, and
/// a machine without one gets a one-line error naming the package and exit 2. The missing
/// library is real: the test-only variables REPLICA_AUDIT_LIBSQLITE3 / REPLICA_AUDIT_LIBPQ
/// point the binary's dlopen at a path that does not exist, or at a library that lacks the
/// functions.
final class LedgerLibraryTests: XCTestCase {
    /// The ledger variable cleared, so that a run without --ledger has no ledger.
    static let noLedger = ["REPLICA_AUDIT_LEDGER": ""]

    /// Neither library is NEEDED by the binary, nor reached through the ones it needs.
    func testTheBinaryDoesNotLinkTheLedgerLibraries() throws {
        let binary = try Repository.binary()
        let dynamic = try Tools.run("readelf", ["-d", binary]).stdout
        let needed = dynamic.split(separator: "\n").filter { $0.contains("(NEEDED)") }
        XCTAssertTrue(needed.contains { $0.contains("libnbd.so.0") }, "readelf -d lists NEEDED entries: \(dynamic)")
        XCTAssertFalse(needed.contains { $0.contains("libsqlite3") || $0.contains("libpq") }, needed.joined(separator: "\n"))
        let ldd = try Tools.run("ldd", [binary]).stdout
        XCTAssertTrue(ldd.contains("libblkid.so.1"), ldd)
        XCTAssertFalse(ldd.contains("libsqlite3") || ldd.contains("libpq"), ldd)
    }

    /// The dynamic loader's own account (LD_DEBUG=libs): verify without a ledger loads
    /// neither library; with an SQLite ledger it loads libsqlite3 only, with a PostgreSQL
    /// one libpq only.
    func testOnlyTheLedgerInUseIsLoaded() throws {
        let seed = try SeedImages.shared()
        let servers = try seed.servers()
        defer { servers.forEach { $0.stop() } }
        let work = try TemporaryDirectory.make(prefix: "ledger-libs-loaded")
        defer { try? FileManager.default.removeItem(at: work) }
        let targets = "2000:\(servers[0].uri()),2001:\(servers[1].uri())"
        func verify(_ name: String, _ extra: [String]) throws -> Tools.Result {
            try Tools.run(try Repository.binary(), ["verify", "--inventory", SeedImages.inventory, "--nbd-targets", targets,
                                                    "--report-dir", work.appendingPathComponent(name).path] + extra,
                          check: false, environment: Self.noLedger.merging(["LD_DEBUG": "libs"]) { $1 })
        }
        let closedPort = try Tools.run("python3", ["-c", "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"])
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)

        let plain = try verify("plain", [])
        XCTAssertEqual(plain.status, 0, plain.stdout + plain.stderr)
        XCTAssertTrue(plain.stderr.contains("libnbd.so.0"), "LD_DEBUG=libs reports what is loaded: \(plain.stderr.prefix(2000))")
        XCTAssertFalse(plain.stderr.contains("libsqlite3"), plain.stderr)
        XCTAssertFalse(plain.stderr.contains("libpq"), plain.stderr)

        let sqlite = try verify("sqlite", ["--ledger", work.appendingPathComponent("ledger.db").path])
        XCTAssertEqual(sqlite.status, 0, sqlite.stdout + sqlite.stderr)
        XCTAssertTrue(sqlite.stderr.contains("recorded in the audit ledger"), sqlite.stderr)
        XCTAssertTrue(sqlite.stderr.contains("libsqlite3.so.0"), sqlite.stderr)
        XCTAssertFalse(sqlite.stderr.contains("libpq"), sqlite.stderr)

        let postgres = try verify("postgres", ["--ledger", "postgres://audit@127.0.0.1:\(closedPort)/ledger"])
        XCTAssertEqual(postgres.status, 2, "nothing listens there: \(postgres.stderr)")
        XCTAssertTrue(postgres.stderr.contains("libpq.so.5"), postgres.stderr)
        XCTAssertFalse(postgres.stderr.contains("libsqlite3"), postgres.stderr)
    }

    /// Without the library: verify writes its reports, then says LEDGER NOT WRITTEN with the
    /// package to install and exits 2; the ledger commands say the same in one line, exit 2.
    func testAMissingLibraryIsOneLineNamingThePackageAndExitTwo() throws {
        let seed = try SeedImages.shared()
        let servers = try seed.servers()
        defer { servers.forEach { $0.stop() } }
        let work = try TemporaryDirectory.make(prefix: "ledger-libs-missing")
        defer { try? FileManager.default.removeItem(at: work) }
        let targets = "2000:\(servers[0].uri()),2001:\(servers[1].uri())"
        let ledger = work.appendingPathComponent("ledger.db").path
        try Ledgers.open(ledger).close()  // an existing ledger (this process has the library)
        let sqliteLine = "the SQLite ledger needs libsqlite3.so.0 (Debian: apt-get install libsqlite3-0): /nonexistent/libsqlite3.so.0: cannot open shared object file"
        let pqLine = "the PostgreSQL ledger needs libpq.so.5 (Debian: apt-get install libpq5): /nonexistent/libpq.so.5: cannot open shared object file"
        let cases: [(url: String, variable: String, line: String)] = [
            (work.appendingPathComponent("new.db").path, "REPLICA_AUDIT_LIBSQLITE3", sqliteLine),
            ("postgres://audit:hunter2@127.0.0.1:1/ledger", "REPLICA_AUDIT_LIBPQ", pqLine),
        ]
        for (index, item) in cases.enumerated() {
            let environment = Self.noLedger.merging([item.variable: "/nonexistent/" + (index == 0 ? "libsqlite3.so.0" : "libpq.so.5")]) { $1 }
            let reports = work.appendingPathComponent("reports-\(index)")
            let run = try Tools.run(try Repository.binary(), ["verify", "--inventory", SeedImages.inventory, "--nbd-targets", targets,
                                                              "--report-dir", reports.path, "--ledger", item.url],
                                    check: false, environment: environment)
            XCTAssertEqual(run.status, 2, run.stdout + run.stderr)
            XCTAssertTrue(FileManager.default.fileExists(atPath: reports.appendingPathComponent("report.json").path), "the reports are written first")
            let lastLine = run.stderr.split(separator: "\n").last.map(String.init) ?? ""
            XCTAssertTrue(lastLine.hasPrefix("replica-audit: LEDGER NOT WRITTEN: " + item.line), lastLine)
            XCTAssertTrue(lastLine.contains("The run's verdict is PASS"), lastLine)
            XCTAssertTrue(run.stderr.contains("warning: the audit ledger cannot be written now (" + item.line), "said before reading: \(run.stderr)")
            XCTAssertFalse(run.stderr.contains("hunter2"), run.stderr)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: work.appendingPathComponent("new.db").path), "no ledger file without the library")

        let withoutSQLite = Self.noLedger.merging(["REPLICA_AUDIT_LIBSQLITE3": "/nonexistent/libsqlite3.so.0"]) { $1 }
        for arguments in [["ledger", "list"], ["ledger", "show", "1"], ["ledger", "verify"],
                          ["ledger", "record", try seed.reportFolder().path]] {
            let run = try Tools.run(try Repository.binary(), arguments + ["--ledger", ledger], check: false, environment: withoutSQLite)
            XCTAssertEqual(run.status, 2, "\(arguments): \(run.stderr)")
            XCTAssertEqual(run.stderr.split(separator: "\n").count, 1, "one line: \(run.stderr)")
            XCTAssertTrue(run.stderr.hasPrefix("replica-audit: " + sqliteLine), "\(arguments): \(run.stderr)")
        }
        let withoutPQ = Self.noLedger.merging(["REPLICA_AUDIT_LIBPQ": "/nonexistent/libpq.so.5"]) { $1 }
        let list = try Tools.run(try Repository.binary(), ["ledger", "list", "--ledger", "postgres://audit@127.0.0.1:1/ledger"],
                                 check: false, environment: withoutPQ)
        XCTAssertEqual(list.status, 2, list.stderr)
        XCTAssertEqual(list.stderr.split(separator: "\n").count, 1, "one line: \(list.stderr)")
        XCTAssertTrue(list.stderr.hasPrefix("replica-audit: " + pqLine), list.stderr)
        let store = try Ledgers.open(ledger, create: false)
        defer { store.close() }
        XCTAssertEqual(try store.list(LedgerFilter()).count, 0, "nothing was recorded")
    }

    /// A library that loads but lacks a function: libsqlite3 itself given as libpq.
    func testALibraryWithoutTheFunctionsIsRefusedByName() throws {
        let cache = try Tools.run("ldconfig", ["-p"]).stdout
        let line = try XCTUnwrap(cache.split(separator: "\n").first { $0.contains("libsqlite3.so.0 ") && $0.contains("=> ") })
        let sqlitePath = String(line[line.range(of: "=> ")!.upperBound...]).trimmingCharacters(in: .whitespaces)
        let run = try Tools.run(try Repository.binary(), ["ledger", "list", "--ledger", "postgres://audit@127.0.0.1:1/ledger"],
                                check: false, environment: Self.noLedger.merging(["REPLICA_AUDIT_LIBPQ": sqlitePath]) { $1 })
        XCTAssertEqual(run.status, 2, run.stderr)
        XCTAssertEqual(run.stderr.split(separator: "\n").count, 1, "one line: \(run.stderr)")
        XCTAssertTrue(run.stderr.hasPrefix("replica-audit: the PostgreSQL ledger needs libpq.so.5 (Debian: apt-get install libpq5): "), run.stderr)
        XCTAssertTrue(run.stderr.contains("undefined symbol: PQconnectdbParams"), run.stderr)
    }
}
