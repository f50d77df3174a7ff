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
    func testVerifyAndPreflightRecordTheirRuns() throws { try LedgerCommandSuite(backend: backend).verifyAndPreflightRecord() }
    func testSecretsNeverStored() throws { try LedgerCommandSuite(backend: backend).secretsNeverStored() }

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
