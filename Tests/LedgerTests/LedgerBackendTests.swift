import Foundation
import Ledger
import TestSupport
import XCTest

/// The ledger suite on SQLite (README.md, "The audit ledger"; docs/LEDGER.md).
final class SQLiteLedgerTests: XCTestCase {
    var backend: SQLiteBackend!
    override func setUpWithError() throws { backend = try SQLiteBackend() }
    override func tearDown() { backend = nil }

    func testAppendListShowAndFilters() throws { try LedgerSuite(backend: backend).appendListShowAndFilters() }
    func testAppendOnlyInTheDatabase() throws { try LedgerSuite(backend: backend).appendOnlyInTheDatabase() }
    func testSchemaVersionChecks() throws { try LedgerSuite(backend: backend).schemaVersionChecks() }
    func testConcurrentWritersFromFourProcesses() throws {
        try LedgerSuite(backend: backend).concurrentWriters(reportFolder: try SeedImages.shared().reportFolder())
    }
    func testTamperingIsDetected() throws { try LedgerSuite(backend: backend).tampering() }
    func testThreadsShareAStore() throws { try LedgerSuite(backend: backend).threadsShareAStore() }
    func testVerifyAndPreflightRecordTheirRuns() throws { try LedgerCommandSuite(backend: backend).verifyAndPreflightRecord() }
    func testSecretsNeverStored() throws { try LedgerCommandSuite(backend: backend).secretsNeverStored() }
}

/// The ledger suite on a real PostgreSQL server (Tests/TestSupport/PostgresServer.swift).
final class PostgresLedgerTests: XCTestCase {
    var backend: PostgresBackend!
    override func setUpWithError() throws { backend = try PostgresBackend() }
    override func tearDown() { backend = nil }

    func testAppendListShowAndFilters() throws { try LedgerSuite(backend: backend).appendListShowAndFilters() }
    func testAppendOnlyInTheDatabase() throws { try LedgerSuite(backend: backend).appendOnlyInTheDatabase() }
    func testSchemaVersionChecks() throws { try LedgerSuite(backend: backend).schemaVersionChecks() }
    func testConcurrentWritersFromFourProcesses() throws {
        try LedgerSuite(backend: backend).concurrentWriters(reportFolder: try SeedImages.shared().reportFolder())
    }
    func testTamperingIsDetected() throws { try LedgerSuite(backend: backend).tampering() }
    func testThreadsShareAStore() throws { try LedgerSuite(backend: backend).threadsShareAStore() }
    func testVerifyAndPreflightRecordTheirRuns() throws { try LedgerCommandSuite(backend: backend).verifyAndPreflightRecord() }
    func testSecretsNeverStored() throws { try LedgerCommandSuite(backend: backend).secretsNeverStored() }

    /// An appliance role with SELECT and INSERT only appends (the advisory lock needs no
    /// more), and PostgreSQL refuses it UPDATE and DELETE.
    func testAnInsertOnlyRoleAppendsButCannotChange() throws {
        let server = backend.server
        let database = try server.makeDatabase()
        try Ledgers.open(database.url).close()  // the owner creates the ledger
        let role = "appliance_\(database.name.suffix(8))"
        try server.psql("CREATE ROLE \(role) LOGIN; GRANT CONNECT ON DATABASE \(database.name) TO \(role)")
        try server.psql("GRANT USAGE ON SCHEMA public TO \(role); GRANT SELECT ON schema_version TO \(role); "
                        + "GRANT SELECT, INSERT ON ledger_runs TO \(role)", database: database.name)
        let applianceURL = database.url.replacingOccurrences(of: "postgres@", with: "\(role)@")
        let store = try Ledgers.open(applianceURL)
        XCTAssertEqual(try store.append(Drafts.draft(1)).id, 1)
        XCTAssertEqual(try store.append(Drafts.draft(2)).id, 2)
        XCTAssertTrue(try store.verifyChain().isIntact)
        store.close()
        for statement in ["UPDATE ledger_runs SET verdict = 'fail'", "DELETE FROM ledger_runs"] {
            let run = try Tools.run("psql", ["-X", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", String(server.port), "-U", role,
                                             "-d", database.name, "-c", statement], check: false)
            XCTAssertNotEqual(run.status, 0, statement)
            XCTAssertTrue(run.stderr.contains("permission denied"), run.stderr)
        }
    }

    /// The socket-directory form of the URL reaches the same database.
    func testSocketDirectoryURL() throws {
        let database = try backend.server.makeDatabase()
        let tcp = try Ledgers.open(database.url)
        _ = try tcp.append(Drafts.draft(1))
        tcp.close()
        let socketURL = "postgresql://postgres@/\(database.name)?host=\(backend.server.socketDirectory)&port=\(backend.server.port)"
        let run = try Repository.runTool(["ledger", "list", "--ledger", socketURL])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("1 run in"), run.stdout)
    }
}
